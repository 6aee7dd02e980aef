import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyInputRules, describeLengthLimits } from './input-rules.ts';

const SDL = `
directive @length(max: Int!) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
input Address { line: String @length(max: 10) tags: [String!] }
type Query {
  "Echo."
  echo(text: String!, id: ID, address: Address): String
}`;

const schema = () =>
  applyInputRules(buildSubgraphSchema([{ typeDefs: parse(SDL), resolvers: { Query: { echo: (_: unknown, a: { text: string }) => a.text } } as never }]));

const run = async (text: unknown, extra: Record<string, unknown> = {}) => {
  const r = await graphql({ schema: schema(), source: 'query($t: String!, $i: ID, $a: Address) { echo(text: $t, id: $i, address: $a) }', variableValues: { t: text, ...extra } });
  return r.errors?.map((e) => [e.extensions.code, e.extensions.field, e.message]) ?? r.data;
};

describe('input rules', () => {
  it('passes ordinary text', async () => {
    expect(await run('hello')).toEqual({ echo: 'hello' });
  });

  it('refuses overlong text, NUL and lone surrogates with BAD_USER_INPUT naming the argument', async () => {
    expect(await run('x'.repeat(201))).toEqual([['BAD_USER_INPUT', 'text', 'text is too long: at most 200 characters, got 201']]);
    expect(await run('a\u0000b')).toEqual([['BAD_USER_INPUT', 'text', 'text must not contain NUL characters']]);
    expect(await run('a\ud800b')).toEqual([['BAD_USER_INPUT', 'text', 'text is not valid Unicode text (an unpaired surrogate)']]);
    expect(await run('emoji 😀 is fine')).toEqual({ echo: 'emoji 😀 is fine' });
    expect(await run('ok', { i: 'i'.repeat(65) })).toEqual([['BAD_USER_INPUT', 'id', 'id is too long: at most 64 characters, got 65']]);
  });

  it('checks input objects and lists with their own limits', async () => {
    expect(await run('ok', { a: { line: '12345678901' } })).toEqual([['BAD_USER_INPUT', 'address.line', 'address.line is too long: at most 10 characters, got 11']]);
    expect(await run('ok', { a: { tags: ['fine', 'bad\u0000'] } })).toEqual([['BAD_USER_INPUT', 'address.tags.1', 'address.tags.1 must not contain NUL characters']]);
  });

  it('writes each limit into the description', () => {
    const printed = print(describeLengthLimits(parse(SDL)));
    expect(printed).toContain('"""At most 10 characters."""');
    expect(printed).toMatch(/"""At most 200 characters\."""\s+text: String!/);
    expect(printed).toMatch(/"""At most 64 characters\."""\s+id: ID/);
  });
});
