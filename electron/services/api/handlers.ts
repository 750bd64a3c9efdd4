import { importsHandlers } from '../imports/api';
import { coreHandlers } from './coreHandlers';
import { experimentsHandlers } from '../experiments/api';
import { monitoringHandlers } from '../monitoringApi/handlers';
import { receiverHandlers } from '../receiver/api';
import { relayHandlers } from '../relay/api';
import { sendTimeHandlers } from '../sendTime/api';
import { segmentsHandlers } from '../segments/api';
import { sendTimeAudienceHandlers } from '../sendTimeUi/api';
import { syncHandlers } from '../sync/api';
import type { HandlerTable } from './types';

export type { Handler, HandlerTable, HandlersFor } from './types';

/** Every domain's handlers, joined; the type makes a missing or extra one a compile error. */
export const handlers: HandlerTable = {
  ...coreHandlers,
  ...importsHandlers,
  ...experimentsHandlers,
  ...monitoringHandlers,
  ...relayHandlers,
  ...receiverHandlers,
  ...sendTimeHandlers,
  ...segmentsHandlers,
  ...sendTimeAudienceHandlers,
  ...syncHandlers,
};
