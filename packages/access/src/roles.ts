/** The roles of a workspace member, written out once for the database, the API and the web app. */
export const ROLES = ['admin', 'marketing', 'sales', 'ops', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
