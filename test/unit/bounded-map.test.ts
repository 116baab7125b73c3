import { BoundedMap } from '../../lambdas/hosts/bounded-map';

describe('BoundedMap: least recently used leave first', () => {
  it('a key read since keeps its place; the least recently used one goes', () => {
    const map = new BoundedMap<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('setting a key again makes it the most recent, and the map never holds more than its capacity', () => {
    const map = new BoundedMap<string>(3);
    for (const key of ['a', 'b', 'c']) map.set(key, key);
    map.set('a', 'A');
    map.set('d', 'd');
    expect(map.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => map.get(key))).toEqual(['A', 'c', 'd']);
    map.set('e', 'e');
    // 'a' was read first above, so it was the least recently used when 'e' came.
    expect(map.get('a')).toBeUndefined();
  });

  it('a miss changes nothing', () => {
    const map = new BoundedMap<number>(1);
    map.set('a', 1);
    expect(map.get('x')).toBeUndefined();
    expect(map.get('a')).toBe(1);
  });
});
