import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './config-error.ts';
import { isClusterUrl, parseRedisUrl, RedisUrlError } from './redis.ts';

describe('REDIS_URL', () => {
  it('reads one server, Sentinel and Cluster forms', () => {
    expect(parseRedisUrl('redis://:pw@127.0.0.1:6379/2')).toEqual({ kind: 'single', url: 'redis://:pw@127.0.0.1:6379/2' });
    expect(parseRedisUrl('redis-sentinel://s%3Acret@h1:26379,h2,[::1]:26380/3#my%20master')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'h1', port: 26_379 },
        { host: 'h2', port: 26_379 },
        { host: '::1', port: 26_380 },
      ],
      name: 'my master',
      password: 's:cret',
      db: 3,
    });
    expect(parseRedisUrl('redis-cluster://default:pw@10.0.0.1:7000,10.0.0.2')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
      password: 'pw',
    });
    expect(isClusterUrl('redis-cluster://a:1')).toBe(true);
    expect(isClusterUrl('redis://a:1')).toBe(false);
  });

  it.each([
    ['http://h:1', /expected redis:\/\//],
    ['h:6379', /no scheme/],
    ['redis-sentinel://h1:26379', /name after #/],
    ['redis-cluster://h:7000/1', /no database number/],
    ['redis-cluster://h:99999', /out of range/],
    ['redis-cluster://h_1:7000', /not host\[:port\]/],
  ])('refuses %s with the reason', (raw, reason) => {
    expect(() => parseRedisUrl(raw)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(raw)).toThrow(reason);
  });

  it('is checked at start-up as a ConfigError naming REDIS_URL', () => {
    const env = { NODE_ENV: 'test', REDIS_URL: 'redis-sentinel://h1:26379' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/REDIS_URL/);
    expect(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis-cluster://h1:7000,h2:7001' }).redisUrl).toBe('redis-cluster://h1:7000,h2:7001');
  });
});
