/** `ws`, loaded with ts-greenlet/websocket, so a missing `ws` is reported at once, by name. */
import { requirePeer } from '../peer';

export const ws = requirePeer<typeof import('ws')>('ws', '^8.23.0', 'ts-greenlet/websocket');
