/**
 * A list of every member of the string union `T`, held to it by the compiler both ways: an entry that
 * is not a member, or a member left out, is a compile error naming it. So the union stays the one
 * source of truth, and a value added to it cannot be forgotten in the list. @internal
 */
export function everyOf<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { readonly missing: Exclude<T, L[number]> })): readonly T[] => list;
}
