/** A text read as JSON where it is JSON, and kept as it is otherwise. @internal */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
