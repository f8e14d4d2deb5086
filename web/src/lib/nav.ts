/** The product areas with data behind them. Health Check, Alerts and Integrations join when their APIs exist. */
export interface NavItem {
  href: string;
  label: string;
  /** Shown only to users holding this permission (the API refuses the others as well). */
  permission?: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/health', label: 'Health Check' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/databases', label: 'Database Explorer' },
  { href: '/activity', label: 'Activity' },
  { href: '/queries', label: 'Queries' },
  { href: '/schema', label: 'Schema' },
  { href: '/settings', label: 'Settings' },
  { href: '/assets', label: 'Assets' },
  { href: '/integrations', label: 'Integrations', permission: 'integrations:manage' },
  { href: '/audit', label: 'Audit Logs', permission: 'audit:read' },
  { href: '/admin', label: 'Admin', permission: 'organization:read' },
];

export function visibleNav(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.permission || permissions.includes(item.permission));
}

export function isCurrent(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
