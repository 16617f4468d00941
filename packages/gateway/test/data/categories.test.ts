// Data categories and groups from a data list body (docs/resources.md, "Data categories and groups"),
// including the peer-shaped bodies a plugin may send: only well-formed items count, and at most MAX_LIST_ITEMS.
import { describe, expect, it } from 'vitest';
import { dataCategories, dataGroups, MAX_LIST_ITEMS, namespaceOf } from '../../src/data/categories.js';

const body = {
  items: [
    { id: '/base/battery/voltage', category: 'currentData' },
    { id: '/base/battery/current', category: 'currentData' },
    { id: '/scan', category: 'currentData' },
    { id: 'serial_number', category: 'identData' },
    { id: '/base/battery/limit', category: 'parameters' },
  ],
};

describe('data categories and groups', () => {
  it('lists the categories the items report, in order, with counts', () => {
    expect(dataCategories(body)).toEqual({
      items: [
        { item: 'currentData', 'x-medkit': { item_count: 3 } },
        { item: 'identData', 'x-medkit': { item_count: 1 } },
        { item: 'parameters', 'x-medkit': { item_count: 1 } },
      ],
    });
  });

  it('groups by namespace within a category, optionally one category', () => {
    expect(namespaceOf('/a/b/c')).toBe('/a/b');
    expect(namespaceOf('/scan')).toBe('/');
    expect(namespaceOf('serial_number')).toBe('/');
    expect(dataGroups(body).items).toEqual([
      { id: '/', category: 'currentData', 'x-medkit': { data_ids: ['/scan'] } },
      { id: '/', category: 'identData', 'x-medkit': { data_ids: ['serial_number'] } },
      { id: '/base/battery', category: 'currentData', 'x-medkit': { data_ids: ['/base/battery/voltage', '/base/battery/current'] } },
      { id: '/base/battery', category: 'parameters', 'x-medkit': { data_ids: ['/base/battery/limit'] } },
    ]);
    expect(dataGroups(body, 'parameters').items.map((g) => g.id)).toEqual(['/base/battery']);
    expect(dataGroups(body, 'nothing').items).toEqual([]);
  });

  it('ignores malformed plugin bodies and items, and bounds the work', () => {
    for (const bad of [null, 42, 'items', {}, { items: 'x' }, { items: [null, 1, 'a', { id: 1, category: 'c' }, { id: 'a', category: '' }, { id: 'a', category: 'c'.repeat(300) }] }]) {
      expect(dataCategories(bad)).toEqual({ items: [] });
      expect(dataGroups(bad)).toEqual({ items: [] });
    }
    const huge = { items: Array.from({ length: MAX_LIST_ITEMS + 5000 }, (_, i) => ({ id: `/t/${i}`, category: 'currentData' })) };
    expect(dataCategories(huge).items[0]['x-medkit'].item_count).toBe(MAX_LIST_ITEMS);
  });
});
