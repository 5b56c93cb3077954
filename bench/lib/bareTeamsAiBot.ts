/**
 * The second baseline of the memory figure: a bare teams-ai 1.x bot — the framework the product
 * is built on (Application over TeamsAdapter, botbuilder's MemoryStorage, restify) — that answers
 * an approve click (Action.Execute) with a small adaptive card and echoes messages, nothing else.
 * It shows how much of Keyward's memory over a bare botbuilder bot the framework itself costs
 * (teams-ai loads botbuilder-dialogs, openai and gpt-tokenizer at import). Child process of
 * bench/store.bench.ts; prints `READY <url>`.
 */
import restify from 'restify';
import { MemoryStorage } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';

const adapter = new TeamsAdapter({});
const app = new Application<TurnState>({
  adapter,
  storage: new MemoryStorage(),
  startTypingTimer: false,
  longRunningMessages: false,
  adaptiveCards: { actionSubmitFilter: 'verb' },
});
app.adaptiveCards.actionExecute(
  () => Promise.resolve(true),
  async () => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Your approval was recorded.' }] }),
);
app.activity('message', async (context) => {
  await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
});

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req as never, res as never, async (context) => {
    await app.run(context);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY http://127.0.0.1:${server.address().port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
