// The board's stages: every tenant starts with the six defaults; an owner may rename any and add
// open stages between them (e.g. "Trial day" after Visited). Won and Lost stay the last two.
import { ConstraintViolation, isUuid, type RequestScope } from '@studyspot/runtime';
import { fail } from '../errors.ts';
import * as repo from './leads.repository.ts';

const refuse = (code: 'NOT_FOUND' | 'INVALID_INPUT' | 'INVALID_STATE', message: string, ...field: string[]) => ({ stage: null, ...fail(code, message, ...field) });

function cleanName(name: string) {
  const n = name.trim().replace(/\s+/g, ' ');
  return n && n.length <= 40 ? n : null;
}

export async function createStage(s: RequestScope, name: string, afterStageId: string) {
  const n = cleanName(name);
  if (!n) return refuse('INVALID_INPUT', 'A stage name has 1 to 40 characters', 'name');
  let stages = await repo.stages(s.db);
  const after = isUuid(afterStageId) ? stages.find((x) => x.id === afterStageId) : undefined;
  if (!after) return refuse('NOT_FOUND', 'No such stage', 'afterStageId');
  if (after.kind !== 'OPEN') return refuse('INVALID_STATE', 'New stages go before Won and Lost', 'afterStageId');
  if (stages.some((x) => x.name.toLowerCase() === n.toLowerCase())) return refuse('INVALID_INPUT', 'The board has a stage of that name', 'name');
  let i = stages.indexOf(after);
  if (stages[i + 1]!.position - after.position < 2) {
    await repo.respaceStages(s.db, stages);
    stages = await repo.stages(s.db);
    i = stages.findIndex((x) => x.id === after.id);
  }
  const position = Math.floor((stages[i]!.position + stages[i + 1]!.position) / 2);
  const key = n.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '') || 'STAGE';
  const made = await repo.createStage(s.db, { key: `${key}_${position}`, name: n, position });
  if (made instanceof ConstraintViolation) return refuse('INVALID_STATE', 'The board changed meanwhile; try again', 'afterStageId');
  return { stage: made, userErrors: [] };
}

export async function renameStage(s: RequestScope, id: string, name: string) {
  const n = cleanName(name);
  if (!n) return refuse('INVALID_INPUT', 'A stage name has 1 to 40 characters', 'name');
  const stages = await repo.stages(s.db);
  const stage = isUuid(id) ? stages.find((x) => x.id === id) : undefined;
  if (!stage) return refuse('NOT_FOUND', 'No such stage', 'id');
  if (stages.some((x) => x.id !== id && x.name.toLowerCase() === n.toLowerCase())) return refuse('INVALID_INPUT', 'The board has a stage of that name', 'name');
  return { stage: await repo.renameStage(s.db, stage.id, n), userErrors: [] };
}
