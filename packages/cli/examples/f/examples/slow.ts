// Sleeps `ms` milliseconds (default 2000), logging as it goes: for watching live logs and cancel.
export async function main(args: { ms?: number }) {
  const ms = args.ms ?? 2000;
  const steps = 4;
  for (let i = 1; i <= steps; i++) {
    await new Promise((resolve) => setTimeout(resolve, ms / steps));
    console.log(`step ${i}/${steps}`);
  }
  return { sleptMs: ms };
}
