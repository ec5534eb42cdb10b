import { maskedHead } from './redact';

/**
 * A short, JSON-like view of any value, for error messages: at most `max` characters, at most
 * {@link MAX_DEPTH} levels deep, and it never throws. Nothing of the value is called (no `toJSON`,
 * no getters of class instances, no `toString`), so a hostile or odd value (a 6,000-deep array, a
 * throwing getter, a cycle, a 100 MB string) costs about `max` steps. Remembered credentials are
 * masked in each string before it is cut (`maskedHead`), so a cut never leaves the first part of one. @internal
 */
export function preview(value: unknown, max = 40): string {
  const out = new Preview(max);
  try {
    out.value(value, 0);
  } catch {
    out.text = out.text === '' ? '(a value that cannot be shown)' : out.text;
  }
  return out.text.length > max ? `${out.text.slice(0, max - 3)}...` : out.text;
}

const MAX_DEPTH = 3;

class Preview {
  text = '';
  constructor(private readonly max: number) {}

  /** Whether there is room for more. */
  private get full(): boolean {
    return this.text.length > this.max;
  }

  value(value: unknown, depth: number): void {
    if (this.full) return;
    switch (typeof value) {
      case 'string':
        this.text += JSON.stringify(maskedHead(value, this.max));
        return;
      case 'undefined':
        this.text += depth === 0 ? 'nothing' : 'undefined';
        return;
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'symbol':
        this.text += String(value);
        return;
      case 'function':
        this.text += '(a function)';
        return;
    }
    if (value === null) return void (this.text += 'null');
    if (value instanceof Error) return void (this.text += `${String(value.name)}: ${JSON.stringify(maskedHead(String(value.message), this.max))}`);
    if (depth >= MAX_DEPTH) return void (this.text += Array.isArray(value) ? '[…]' : '{…}');
    if (Array.isArray(value)) {
      this.text += '[';
      for (let i = 0; i < value.length && !this.full; i += 1) {
        if (i > 0) this.text += ',';
        this.value(value[i], depth + 1);
      }
      this.text += ']';
      return;
    }
    this.text += '{';
    let first = true;
    for (const key in value as object) {
      if (this.full) break;
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      this.text += `${first ? '' : ','}${JSON.stringify(maskedHead(key, this.max))}:`;
      first = false;
      // A getter is not run: it may throw, or cost anything.
      if (descriptor && 'value' in descriptor) this.value(descriptor.value, depth + 1);
      else this.text += '(a getter)';
    }
    this.text += '}';
  }
}
