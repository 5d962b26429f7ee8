/**
 * What dmirror's action files share (docs/kernel-semantics.md §5): the type every named action has,
 * the builders of the kernel effects they enqueue (kSend, the `sleep` observation), and
 * access to the running command and its current chunk.
 */
import type { ActionFunction, EventObject } from 'xstate';
import type { KChooseParams, KSendParams, Observation } from '../kernel-actions.ts';
import { MIGRATE_CHUNK_PAGES } from '../mm/types.ts';
import type { Command, DmirrorContext, DmirrorEvent } from './dmirror-types.ts';

/** Pages per fault, snapshot and exclusive chunk (dmirror's 64-entry pfn arrays). */
export const CHUNK_PAGES = MIGRATE_CHUNK_PAGES;

export type Ev<T extends DmirrorEvent['type']> = Extract<DmirrorEvent, { type: T }>;

export type Message = { type: string; [field: string]: unknown };

export function send(to: string, event: Message) {
  return { type: 'kSend' as const, params: { to, event: event as EventObject } };
}

export function sleep(tid: string, on: string) {
  return { type: 'kObserve' as const, params: { kind: 'sleep', tid, on } };
}

export const cmdOf = (c: DmirrorContext): Command => c.cmd!;
export const chunkEnd = (c: DmirrorContext, from: number) => Math.min(cmdOf(c).end, from + CHUNK_PAGES * c.pageSize);
export const withCmd = (c: DmirrorContext, patch: Partial<Command>) => ({ cmd: { ...cmdOf(c), ...patch } });

/** The kernel effects (kernelActions) an action may enqueue by name. */
type KernelAction =
  | { type: 'kSend'; params: KSendParams }
  | { type: 'kChoose'; params: KChooseParams }
  | { type: 'kObserve'; params: Observation };

/** A named dmirror action (the guards it may name are typed where the setup names them). */
export type DmirrorAction = ActionFunction<
  DmirrorContext,
  DmirrorEvent,
  DmirrorEvent,
  undefined,
  any,
  KernelAction,
  any,
  any,
  EventObject
>;

/** Types a table of named actions for `setup({ actions })`; returns the table itself. */
export function dmirrorActions<K extends string>(table: Record<K, DmirrorAction>): Record<K, DmirrorAction> {
  return table;
}
