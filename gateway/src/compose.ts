// `pnpm compose`: composes the subgraph SDL files into gateway/supergraph.graphql (what the gateway
// serves) and gateway/schema.graphql (the public API schema, for clients and codegen).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { DEFAULT_SUBGRAPH_PORTS, readSubgraphSdl, SUBGRAPH_NAMES } from '@studyspot/runtime';
import { parse, printSchema } from 'graphql';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUPERGRAPH_PATH = join(ROOT, 'gateway', 'supergraph.graphql');
export const API_SCHEMA_PATH = join(ROOT, 'gateway', 'schema.graphql');

export interface Composed {
  supergraphSdl: string;
  apiSchemaSdl: string;
}

export function compose(): Composed {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
      typeDefs: parse(readSubgraphSdl(join(ROOT, 'subgraphs', name, 'src'))),
    })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()) + '\n',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { supergraphSdl, apiSchemaSdl } = compose();
    writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
    writeFileSync(API_SCHEMA_PATH, apiSchemaSdl);
    console.log(`composed ${SUBGRAPH_NAMES.length} subgraphs into ${SUPERGRAPH_PATH}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
