/** A broken model assumption (as opposed to a property violation found in the model). */
export class ModelError extends Error {
  override name = 'ModelError';
}
