/**
 * Whether a statement is monitoring rather than the application's work: it reads only the server's catalogs and
 * statistics (PostgreSQL's pg_* relations and information_schema; MySQL/MariaDB's information_schema,
 * performance_schema, mysql and sys), sets or shows session state, or, on Redis, is an administrative command. The
 * agent's own statements are all of this kind (and so are other monitoring tools'): the Query Explorer hides them by
 * default, as they would otherwise crowd out the application's statements on a quiet server.
 *
 * Decided on the normalized text alone (no user is kept per statement): a statement that names any relation outside
 * the catalogs is the application's.
 */
export function isMonitoringStatement(engine: string, text: string | null): boolean {
  if (!text) return false;
  if (engine === 'redis') return REDIS_ADMIN.test(text.trim());
  if (engine !== 'postgresql' && engine !== 'mysql') return false;
  const sqlText = withoutCommentsAndStrings(text);
  const lead = /^\s*(\w+)(?:\s+(\w+))?/.exec(sqlText);
  const first = lead?.[1]?.toLowerCase() ?? '';
  const second = lead?.[2]?.toLowerCase() ?? '';
  if (first === 'show') return true;
  if (first === 'set') return second === 'session' || second === 'local' || SESSION_SETTINGS.has(second);
  if (first !== 'select' && first !== 'with') return false;
  const ctes = new Set([...sqlText.matchAll(/(?:\bwith|,)\s*(?:recursive\s+)?([a-z_][\w$]*)\s+as\s*(?:not\s+)?(?:materialized\s+)?\(/gi)].map((m) => m[1]!.toLowerCase()));
  const relations = [...sqlText.matchAll(/\b(?:from|join)\s+(?:only\s+)?(?!\()((?:[`"]?[\w$]+[`"]?\s*\.\s*)?[`"]?[\w$]+[`"]?)(\s*\()?/gi)]
    // A function (unnest(…), public.pg_stat_statements(false)) is no relation: whether it is a catalog's is told by
    // the catalog names the text mentions.
    .filter((m) => !m[2])
    .map((m) => m[1]!.replace(/[`"\s]/g, '').toLowerCase())
    .filter((r) => !ctes.has(r) && !NOT_RELATIONS.has(r));
  const mentionsCatalog = [...sqlText.matchAll(CATALOG_MENTION)].some((m) => !APP_FUNCTIONS.test(m[0]));
  if (relations.length === 0) return mentionsCatalog;
  return relations.every(isCatalogRelation);
}

function isCatalogRelation(name: string): boolean {
  if (AGENT_RELATIONS.has(name)) return true;
  const [schema, rel] = name.includes('.') ? (name.split('.') as [string, string]) : [null, name];
  if (schema !== null) return CATALOG_SCHEMAS.has(schema) || (schema !== 'public' && rel.startsWith('pg_') && schema.startsWith('pg_'));
  return rel.startsWith('pg_');
}

/** The view agent/setup/mysql.sql creates for the agent to read MariaDB accounts without their password hashes. */
const AGENT_RELATIONS = new Set(['logstag.mariadb_accounts']);
const CATALOG_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'performance_schema', 'mysql', 'sys', 'pg_toast']);
/** FROM/JOIN followed by a keyword, not a relation (FROM LATERAL …, EXTRACT(epoch FROM …), TRIM(… FROM …)). */
const NOT_RELATIONS = new Set(['lateral', 'only', 'unnest', 'generate_series', 'jsonb_array_elements', 'json_array_elements', 'jsonb_each', 'json_each', 'regexp_split_to_table', 'string_to_table', 'dual']);
/** A system function or catalog named anywhere: SELECT current_setting(…), pg_is_in_recovery(), @@version, VERSION(). */
const CATALOG_MENTION = /\b(pg_\w+|current_setting|current_user|current_database|information_schema|performance_schema|version)\b|@@/gi;
/** pg_* functions applications call for their own work: sleeping, advisory locks, notifications. */
const APP_FUNCTIONS = /^pg_(sleep\w*|advisory\w*|try_advisory\w*|notify|listening_channels|cancel_backend|terminate_backend)$/i;
/** PostgreSQL settings the agent sets for its session (statement and lock timeouts). */
const SESSION_SETTINGS = new Set(['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'application_name', 'search_path', 'transaction']);
/** Redis commands that read the server's state or administer it, never the application's data. */
const REDIS_ADMIN = /^(info|client(\|\w+)?|config(\|\w+)?|slowlog(\|\w+)?|acl(\|\w+)?|latency(\|\w+)?|memory(\|\w+)?|command(\|\w+)?|dbsize|ping|hello|auth|role|lastsave|module(\|\w+)?|cluster(\|\w+)?)$/i;

/** The text with comments and string literals blanked, so a name inside them is not taken for a relation. */
function withoutCommentsAndStrings(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    // EXTRACT(epoch FROM …), SUBSTRING(… FROM …), TRIM(… FROM …): a FROM that names no relation.
    .replace(/\b(extract|substring|trim|overlay|position)\s*\(([^()]*?)\bfrom\b/gi, '$1($2 _from_');
}
