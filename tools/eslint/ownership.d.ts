export interface Ownership {
  database: string;
  owner: string;
}
/** Rows of ARCHITECTURE.md's ownership table, by Prisma model name. */
export function readOwnership(markdown?: string): Map<string, Ownership>;
