// Suited to a dedicated worker: the "client" is set up once per warm runtime and reused by every
// job, the way a real SMTP or HTTP client would be. `millrace dev` dedicates the `email` group to it.
const client = { connectedAt: new Date().toISOString(), sent: 0 };

export async function main(args: { to?: string; subject?: string }) {
  client.sent++;
  const to = args.to ?? 'someone@example.com';
  console.log(`sending "${args.subject ?? 'hello'}" to ${to} (message ${client.sent} on this client)`);
  return { to, messageNumber: client.sent, clientSince: client.connectedAt };
}
