import { parseJson } from './json-depth';

/** A text read as JSON where it is JSON within MAX_JSON_DEPTH, and kept as it is otherwise. @internal */
export function jsonOrText(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}
