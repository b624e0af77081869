// Logs a line and returns a greeting: the smallest useful script.
export async function main(args: { name?: string }) {
  const name = args.name ?? 'world';
  console.log(`saying hello to ${name}`);
  return { greeting: `Hello, ${name}!` };
}
