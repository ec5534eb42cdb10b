/**
 * A URL as it may be shown to people: scheme, host and path only. Query strings (which may carry
 * `?token=` or `?api_key=`) and user info are dropped, so the result is safe for errors and logs.
 */
export function displayUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url));
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Replaces every occurrence of each secret in a text with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
