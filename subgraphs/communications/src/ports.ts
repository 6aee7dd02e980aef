// The messages port (runtime ports.ts): what other subgraphs may send through communications — in-app
// notifications, which each account's preferences filter and the live stream carries. Provided when
// this module loads.
import { providePorts } from '@studyspot/runtime';
import { notifyInApp } from './inbox/inbox.service.ts';

providePorts({
  messages: {
    inApp: async (deps, i) => (await notifyInApp(deps, i)).length,
  },
});
