// studyspot/data-boundary: inside a subgraph, only repositories talk to Prisma, and only to the
// tables their subgraph owns. Type-aware, because the calls that matter arrive through an object
// (`ctx.tenantDb(...)`, a transaction client) that no import rule can see.
import path from 'node:path';
import { readOwnership } from './ownership.js';

const RAW = new Set(['$transaction', '$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

function subgraphOf(filename) {
  const m = /[\\/]subgraphs[\\/]([^\\/]+)[\\/]src[\\/]/.exec(filename);
  return m ? m[1] : null;
}

/** The Prisma model behind an expression's type (`StudentDelegate<…>` → `Student`), or null. */
function modelOf(checker, type) {
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  const name = symbol?.getName();
  if (!name || !name.endsWith('Delegate')) return null;
  const file = symbol.getDeclarations()?.[0]?.getSourceFile().fileName ?? '';
  return /[\\/]generated[\\/]/.test(file) ? name.slice(0, -'Delegate'.length) : null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Only a subgraph\'s repositories call Prisma, and only on tables the subgraph owns (ARCHITECTURE.md)' },
    messages: {
      outsideRepository: '{{what}} outside a repository: move it into a *.repository.ts of this area',
      notOwned: 'The {{model}} table belongs to {{owner}}, not {{subgraph}}: ask it through a port or through federation',
      unknownModel: 'The {{model}} table has no owner in ARCHITECTURE.md\'s ownership table',
    },
    schema: [],
  },
  create(context) {
    const filename = context.filename;
    const subgraph = subgraphOf(filename);
    if (!subgraph || /\.test\.ts$/.test(filename)) return {};
    const services = context.sourceCode.parserServices;
    if (!services?.program) throw new Error('studyspot/data-boundary needs type information (parserOptions.projectService)');
    const checker = services.program.getTypeChecker();
    const ownership = readOwnership();
    const inRepository = /\.repository\.ts$/.test(path.basename(filename));

    function check(node, member) {
      if (member.type !== 'MemberExpression') return;
      const prop = member.property.type === 'Identifier' ? member.property.name : null;
      if (prop && RAW.has(prop)) {
        if (!inRepository) context.report({ node, messageId: 'outsideRepository', data: { what: `${prop}` } });
        return;
      }
      const model = modelOf(checker, checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(member.object)));
      if (!model) return;
      if (!inRepository) context.report({ node, messageId: 'outsideRepository', data: { what: `${model}.${prop ?? '…'}` } });
      const row = ownership.get(model);
      if (!row) context.report({ node, messageId: 'unknownModel', data: { model } });
      else if (row.owner !== subgraph) context.report({ node, messageId: 'notOwned', data: { model, owner: row.owner, subgraph } });
    }

    return {
      CallExpression(node) {
        check(node, node.callee);
      },
      TaggedTemplateExpression(node) {
        check(node, node.tag);
      },
    };
  },
};
