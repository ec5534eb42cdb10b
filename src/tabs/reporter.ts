import type { Observer } from 'rxjs';

/** A function that passes values on to an optional observer, dropping repeats. @internal */
export function reporter<T>(target: Partial<Observer<T>> | undefined): (value: T) => void {
  let reported = false;
  let current: T | undefined;
  return (value) => {
    if (reported && value === current) return;
    reported = true;
    current = value;
    target?.next?.(value);
  };
}
