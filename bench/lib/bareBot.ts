/**
 * The baseline of the memory figure: a bare botbuilder bot (CloudAdapter + restify) that answers
 * an approve click with a small adaptive card, as Keyward does, and nothing else. Child process
 * of bench/store.bench.ts; prints `READY <url>`.
 */
import restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type InvokeResponse } from 'botbuilder';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req as never, res as never, async (context) => {
    if (context.activity.type === 'invoke') {
      const value: InvokeResponse = {
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.card.adaptive',
          value: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Your approval was recorded.' }] },
        },
      };
      await context.sendActivity({ type: 'invokeResponse', value });
    } else if (context.activity.type === 'message') await context.sendActivity(`Echo: ${context.activity.text}`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY http://127.0.0.1:${server.address().port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
