/**
 * The example notes service (examples/koa-app, compiled through the transformer by `npm run
 * build`), on in-memory PGlite, driven over real HTTP.
 */
import path from 'node:path';
import { describeNotesOverHttp } from '../helpers/notes-http';

describeNotesOverHttp('example: koa-app over HTTP', () => path.resolve(__dirname, '../../../examples/koa-app/dist'));
