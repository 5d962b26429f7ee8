// The minimal shadow-PTE driver of docs/driver-protocol.md, unchanged.
export { default } from '../../minimal-driver.ts';
