// The simulators' stand-in for a hosted checkout: a page with "Pay" and "Fail" buttons, so a person
// trying the embedded default can take a demo payment end to end in a browser.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function checkoutPage(provider: string, orderId: string, amountPaise: number, action: string): string {
  const rupees = (amountPaise / 100).toFixed(2);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(provider)} simulator checkout</title>
<style>body{font:16px system-ui;margin:3rem auto;max-width:28rem}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}</style></head>
<body><h1>${esc(provider)} simulator</h1><p>Order <code>${esc(orderId)}</code>: ₹${rupees}</p>
<p>This is StudySpot's local simulator, not ${esc(provider)}. No money moves.</p>
<div id="choose"><button id="pay">Pay ₹${rupees}</button><button id="fail">Fail the payment</button></div>
<div id="done" hidden><h2 id="verdict"></h2><p id="detail"></p><p><a id="back" href="javascript:history.back()">Return to where you came from</a></p></div>
<script>
const buttons = [...document.querySelectorAll('#choose button')];
for (const [id, outcome] of [['pay', 'captured'], ['fail', 'failed']]) document.getElementById(id).onclick = async () => {
  for (const b of buttons) b.disabled = true;
  let verdict, detail;
  try {
    const r = await fetch(${JSON.stringify(action)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome }) });
    if (!r.ok) throw new Error('the simulator answered ' + r.status);
    verdict = outcome === 'captured' ? 'Paid ₹${rupees}' : 'Payment failed';
    detail = outcome === 'captured'
      ? 'The simulator has told StudySpot (a signed webhook, as the real gateway does). The receipt is ready in StudySpot.'
      : 'No money moved. StudySpot has been told, and the order can be paid again.';
  } catch (e) {
    verdict = 'Could not reach the simulator';
    detail = String(e.message) + '. Nothing was charged; try again.';
    for (const b of buttons) b.disabled = false;
  }
  document.getElementById('verdict').textContent = verdict;
  document.getElementById('detail').textContent = detail;
  document.getElementById('done').hidden = false;
  if (verdict !== 'Could not reach the simulator') document.getElementById('choose').hidden = true;
  if (document.referrer) document.getElementById('back').href = document.referrer;
};
</script></body></html>`;
}
