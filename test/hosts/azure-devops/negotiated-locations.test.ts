import { NegotiatedLocations } from '../../../lambdas/hosts/azure-devops/negotiated-locations';

describe('negotiated resource locations, kept per base URL', () => {
  const locations = { 'id-1': { id: 'id-1', maxVersion: '7.1' } };

  test('are kept per base URL and area, and forgotten after an hour', () => {
    let now = 0;
    const cache = new NegotiatedLocations(() => now);
    cache.set('https://dev.azure.com/contoso', 'git', locations);
    expect(cache.get('https://dev.azure.com/contoso', 'Git')).toBe(locations);
    expect(cache.get('https://dev.azure.com/fabrikam', 'git')).toBeUndefined();
    expect(cache.get('https://dev.azure.com/contoso', 'core')).toBeUndefined();
    now = 60 * 60 * 1000;
    expect(cache.get('https://dev.azure.com/contoso', 'git')).toBe(locations);
    now += 1;
    expect(cache.get('https://dev.azure.com/contoso', 'git')).toBeUndefined();
  });

  test('hold at most 256 base URLs, dropping the oldest', () => {
    const cache = new NegotiatedLocations();
    for (let i = 0; i < 300; i += 1) cache.set(`https://tfs.example.com/c${i}`, 'git', locations);
    expect(cache.get('https://tfs.example.com/c0', 'git')).toBeUndefined();
    expect(cache.get('https://tfs.example.com/c43', 'git')).toBeUndefined();
    expect(cache.get('https://tfs.example.com/c44', 'git')).toBe(locations);
    expect(cache.get('https://tfs.example.com/c299', 'git')).toBe(locations);
  });
});
