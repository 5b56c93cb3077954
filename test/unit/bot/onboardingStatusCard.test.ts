import assert from 'node:assert/strict';
import { buildCardGallery } from '../../helpers/cardGallery';

/** Issue 11 item 8: the onboarding state is on `status`. */
describe('onboarding on the status card', () => {
  it('when status is shown, then each workload says whether it is onboarded, requested or not', async () => {
    const gallery = await buildCardGallery();
    const status = gallery.find((c) => c.name === 'status-inventory');
    assert.ok(status);
    const text = JSON.stringify(status.card);
    assert.match(text, /Customer Key onboarding/);
    assert.match(text, /Exchange mailboxes: requested, Microsoft not done yet|Exchange mailboxes: onboarded/);
    assert.match(text, /SharePoint[^"]*: onboarded \(confirmed by Microsoft\)/);
    assert.match(text, /Multi-workload[^"]*: not onboarded/i);
  });
});
