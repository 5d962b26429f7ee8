/** Build the studio's page into `outDir` (dist/studio by default). */
export function buildStudioPage(outDir?: string): Promise<void>;
