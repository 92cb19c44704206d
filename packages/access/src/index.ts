export { ROLES, type Role } from './roles';
export { ROLE_POLICY, type PolicyName } from './role-policy';
