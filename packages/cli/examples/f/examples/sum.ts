// Adds up `numbers`: try `millrace run f/examples/sum --args '{"numbers":[1,2,3]}' --wait`.
export function main(args: { numbers?: number[] }) {
  const numbers = args.numbers ?? [];
  const sum = numbers.reduce((a, b) => a + b, 0);
  console.log(`${numbers.length} numbers`);
  return { sum };
}
