// The simulators' stand-in for a hosted checkout: a page with "Pay" and "Fail" buttons, so a person
// trying the embedded default can take a demo payment end to end in a browser.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function checkoutPage(provider: string, orderId: string, amountPaise: number, action: string): string {
  const rupees = (amountPaise / 100).toFixed(2);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(provider)} simulator checkout</title>
<style>body{font:16px system-ui;margin:3rem auto;max-width:28rem}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}</style></head>
<body><h1>${esc(provider)} simulator</h1><p>Order <code>${esc(orderId)}</code>: ₹${rupees}</p>
<p>This is StudySpot's local simulator, not ${esc(provider)}. No money moves.</p>
<button id="pay">Pay ₹${rupees}</button><button id="fail">Fail the payment</button><pre id="out"></pre>
<script>
for (const [id, outcome] of [['pay', 'captured'], ['fail', 'failed']]) document.getElementById(id).onclick = async () => {
  const r = await fetch(${JSON.stringify(action)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome }) });
  document.getElementById('out').textContent = JSON.stringify(await r.json(), null, 2);
};
</script></body></html>`;
}
