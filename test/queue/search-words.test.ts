import { describe, expect, it } from 'vitest';
import { searchWords } from '../../src/queue/search-words.js';

describe('searchWords', () => {
  it('stems every string and number of the data when no searchKeys are given', () => {
    expect(searchWords({ title: 'Converting videos', n: 42, nested: ['Loki'] })).toEqual([
      'convert',
      'video',
      '42',
      'loki',
    ]);
  });

  it('always indexes a string data.title, even when the searchKeys leave it out', () => {
    expect(searchWords({ title: 'Welcome email', to: 'tj', body: 'secret' }, ['to'])).toEqual([
      'welcom',
      'email',
      'tj',
    ]);
    expect(searchWords({ title: 'Welcome', to: 'tj' }, ['title', 'to'])).toEqual(['welcom', 'tj']);
  });

  it('indexes the title first, so a job with more words than the cap still keeps its title', () => {
    const many = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
    const words = searchWords({ body: many, title: 'renewal' });
    expect(words).toHaveLength(500);
    expect(words[0]).toBe('renew');
  });

  it('ignores a title that is not a string unless the searchKeys name it', () => {
    expect(searchWords({ title: { text: 'nested' }, to: 'tj' }, ['to'])).toEqual(['tj']);
    expect(searchWords({ title: 12345, to: 'tj' }, ['to'])).toEqual(['tj']);
    expect(searchWords(['title'], [])).toEqual([]);
    expect(searchWords('just a string', [])).toEqual([]);
  });
});
