/** Whether `root`'s dist/ holds a build of its current sources (always, for an installed package). */
export function freshBuild(root: string): boolean;
