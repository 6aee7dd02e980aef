// The billing port (runtime ports.ts): SMS credits, an allocation's dues, plan limits and read-only
// money facts, for the other subgraphs. Provided when this module loads.
import { providePorts } from '@studyspot/runtime';
import { creditsPort } from './credits/port.ts';
import { openDuesDue, openDuesOf } from './dues/dues.repository.ts';
import { syncAllocationDues } from './dues/dues.sync.ts';
import { capturedSince } from './payments/payments.repository.ts';
import { checkPlanLimit } from './platform/limits.ts';

providePorts({
  billing: {
    credits: (platform) => creditsPort(platform),
    syncAllocationDues,
    checkPlanLimit,
    openDuesOf,
    openDuesDue,
    capturedSince,
  },
});
