-- Keyward's database role, created once by the server's Microsoft Entra administrator after
-- main.bicep ran (Keyward itself is never the administrator). The role is Keyward's managed
-- identity (its name: the `postgresRole` output) signing in with its Entra token; it may connect
-- to the keyward database only, owns the schema `keyward` there (its migrations create and change
-- its own tables), and has no other right: not an administrator, cannot create databases or roles,
-- cannot read other databases.
--
--   export PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"
--   psql "host=<postgresServer output> dbname=postgres user=<your Entra admin name> sslmode=verify-full sslrootcert=system" \
--        -v role=<postgresRole output> -f infra/postgres-role.sql
--
-- Source for the function: https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users
-- (pgaadauth_create_principal(name, isAdmin, isMfa) makes a login role for a managed identity by name).

\set ON_ERROR_STOP on

-- 1. The login role for the managed identity: isAdmin = false, isMfa = false (a managed identity has no MFA).
SELECT * FROM pgaadauth_create_principal(:'role', false, false);
ALTER ROLE :"role" NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50;

-- 2. Only the keyward database, and in it only its own schema.
REVOKE CONNECT ON DATABASE keyward FROM PUBLIC;
GRANT CONNECT ON DATABASE keyward TO :"role";

\connect keyward
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS keyward AUTHORIZATION :"role";
ALTER ROLE :"role" IN DATABASE keyward SET search_path = keyward;
