import { MAX_JSON_DEPTH, mayNestTooDeep, nestedDeeperThan, parseJson } from '../../src/core/json-depth';
import { jsonOrText } from '../../src/core/json-or-text';

const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const objects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

describe('nestedDeeperThan', () => {
  it('counts each array and object as a level, and nothing else', () => {
    expect(nestedDeeperThan(1, 0)).toBe(false);
    expect(nestedDeeperThan('[[[[', 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan([], 0)).toBe(true);
    expect(nestedDeeperThan([], 1)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: [] }] }, 4)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
  });

  it('counts no level for the numbers, strings, booleans and nulls held at the deepest level', () => {
    expect(nestedDeeperThan({ a: { b: 1, c: 'x', d: null, e: true } }, 2)).toBe(false);
    expect(nestedDeeperThan([[1, 'x', null, false]], 2)).toBe(false);
    expect(nestedDeeperThan([[1, [null]]], 2)).toBe(true);
  });

  it('finds the deepest branch wherever it is, in arrays and objects alike', () => {
    const wide = JSON.parse(`[1, {"x": "y"}, [2, 3], ${arrays(10)}, {"z": ${objects(10)}}]`) as unknown;
    expect(nestedDeeperThan(wide, 12)).toBe(false);
    expect(nestedDeeperThan(wide, 11)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(arrays(100_000)) as unknown;
    expect(nestedDeeperThan(deep, 99_999)).toBe(true);
    expect(nestedDeeperThan(deep, 100_000)).toBe(false);
  });
});

describe('parseJson', () => {
  it(`reads JSON up to ${MAX_JSON_DEPTH} levels, and refuses a deeper text with a SyntaxError, as one that is not JSON`, () => {
    expect(parseJson(arrays(MAX_JSON_DEPTH))).toHaveLength(1);
    expect(parseJson(objects(MAX_JSON_DEPTH))).toHaveProperty('a');
    expect(() => parseJson(arrays(MAX_JSON_DEPTH + 1))).toThrow(new SyntaxError(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`));
    expect(() => parseJson(objects(MAX_JSON_DEPTH + 1))).toThrow(SyntaxError);
    expect(() => parseJson('{')).toThrow(SyntaxError);
  });

  it('needs no walk for a text too short to nest past the bound (two characters a level)', () => {
    expect(mayNestTooDeep(arrays(MAX_JSON_DEPTH))).toBe(false);
    expect(mayNestTooDeep(` ${arrays(MAX_JSON_DEPTH)}`)).toBe(false);
    expect(mayNestTooDeep(arrays(MAX_JSON_DEPTH + 1))).toBe(true);
  });
});

describe('jsonOrText', () => {
  it('gives the JSON value of a text that is JSON within the bound, and the text itself otherwise', () => {
    expect(jsonOrText('{"a":[1,"b"]}')).toEqual({ a: [1, 'b'] });
    expect(jsonOrText('"quoted"')).toBe('quoted');
    expect(jsonOrText('not json')).toBe('not json');
    expect(jsonOrText('')).toBe('');
    const deep = arrays(MAX_JSON_DEPTH + 1);
    expect(jsonOrText(deep)).toBe(deep);
  });
});
