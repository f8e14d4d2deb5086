// Logstag agent: least-privilege MongoDB monitoring user.
// Run with mongosh as a user administrator, against a mongod (replica set: the primary) or a mongos:
//   mongosh "mongodb://admin@host:27017/admin" --file agent/setup/mongodb.js
// The password comes from the LOGSTAG_MONGODB_PASSWORD environment variable so it is not kept in this file or the
// shell history; put the same value in the agent's config as a `env:`/`file:` reference.

const password = process.env.LOGSTAG_MONGODB_PASSWORD;
if (!password) throw new Error('set LOGSTAG_MONGODB_PASSWORD to the monitoring user\'s password');

const admin = db.getSiblingDB('admin');

// viewUser/viewRole let the agent list users and roles (never their credentials: it asks with showCredentials: false
// and strips them anyway). Neither built-in monitoring role has them, and userAdmin would also allow changing users,
// so a role with exactly these two actions is created. Skip this role (and disable the `users` collector) if you
// prefer not to send users and roles.
if (!admin.getRole('logstagViewUsers')) {
  admin.createRole({
    role: 'logstagViewUsers',
    privileges: [{ resource: { db: '', collection: '' }, actions: ['viewUser', 'viewRole'] }],
    roles: [],
  });
}

const roles = [
  // serverStatus, replSetGetStatus, $currentOp (inprog), top, connPoolStats, getCmdLineOpts, getParameter, hostInfo,
  // listDatabases, dbStats/collStats/$collStats/$indexStats on every database, find on system.profile: all read-only.
  { role: 'clusterMonitor', db: 'admin' },
  // The oplog window: the first and last entries of local.oplog.rs, read with a projection of `ts` only.
  { role: 'read', db: 'local' },
  { role: 'logstagViewUsers', db: 'admin' },
];

if (admin.getUser('logstag_monitor')) {
  // Re-running the script brings an existing user to the same roles (and the current password).
  admin.updateUser('logstag_monitor', { pwd: password, roles });
} else {
  admin.createUser({ user: 'logstag_monitor', pwd: password, roles, mechanisms: ['SCRAM-SHA-256'] });
}

printjson(admin.getUser('logstag_monitor', { showPrivileges: false }));
