/** A value made on first use and kept; a make that throws is tried again next time. */
export const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
};

/** An async value made on first use and kept once it is made; a failure is tried again next time. */
export const onceAsync = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
};

/** How each field of `T` is made. */
export type Makers<T> = { [K in keyof T]-?: () => T[K] };

/**
 * An object whose every field is made on first read and kept: `{ store: () => new Store() }` gives
 * `{ store }`. Handlers' deps are built this way, so a function makes only the pieces it uses.
 */
export const lazyFields = <T extends object>(makers: Makers<T>): T => {
  const fields = {} as T;
  for (const key of Object.keys(makers) as (keyof T & string)[]) {
    const make = once(makers[key]);
    Object.defineProperty(fields, key, { get: make, enumerable: true });
  }
  return fields;
};
