// Always throws: shows how a failed job looks (error, stack, logs up to the failure).
export function main(args: { message?: string }) {
  console.log('about to fail');
  throw new Error(args.message ?? 'this script always fails');
}
