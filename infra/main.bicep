// Keyward in Azure: a user-assigned managed identity that is the bot's identity and Keyward's
// executor, an optional second identity for read-only preflight, a Linux App Service (Node 20)
// running the bot under those identities, and an Azure Bot (UserAssignedMSI) with the Teams channel.
//
// Its state lives in Azure Database for PostgreSQL flexible server (store = 'postgres', the
// default): Microsoft Entra sign-in only, Keyward's identity signing in with its token as a
// database role that owns Keyward's tables and nothing else (infra/postgres-role.sql), zone-
// redundant high availability as a parameter, private access as an option; and App Service runs
// at least two instances behind its health check. store = 'sqlite' keeps the single-instance
// layout (the file on App Service's /home share, which Keyward refuses unless forced: see README).
//
// Keyward's identities get NO standing rights on any vault or HSM here. The roles they need are
// granted per subscription / vault by an administrator, as listed in infra/README.md, and can be
// limited to the Customer Key resource groups.

@description('Base name for the resources, e.g. "keyward-prod". Lowercase letters, digits and hyphens.')
@minLength(3)
@maxLength(40)
param baseName string

@description('Azure region for the App Service and identities. The Azure Bot resource is global.')
param location string = resourceGroup().location

@description('App Service plan SKU. Premium v3 for zone redundancy; B1/B2/S1 run several instances in one zone.')
@allowed(['B1', 'B2', 'S1', 'P0v3', 'P1v3', 'P2v3'])
param appServiceSku string = 'P0v3'

@description('Where Keyward keeps its state: postgres (several instances, production) or sqlite (one instance, a file on /home).')
@allowed(['postgres', 'sqlite'])
param store string = 'postgres'

@description('App Service instances (postgres only; sqlite always runs one). At least two: one can die or restart while the other serves.')
@minValue(2)
@maxValue(10)
param instanceCount int = 2

@description('Spread the App Service instances and PostgreSQL\'s standby over availability zones (Premium v3 and a region with zones).')
param zoneRedundant bool = true

@description('Private access: a virtual network, App Service integrated into it, PostgreSQL reachable only inside it (no public endpoint).')
param privateNetwork bool = false

@description('PostgreSQL major version.')
@allowed(['16', '17'])
param postgresVersion string = '16'

@description('PostgreSQL compute. High availability needs General Purpose or Memory Optimized (not Burstable).')
param postgresSkuName string = 'Standard_D2ds_v5'

@allowed(['GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'GeneralPurpose'

@description('The Microsoft Entra administrator of the PostgreSQL server (a person or, better, a group): creates Keyward\'s role once (infra/postgres-role.sql). Not Keyward.')
param postgresAdminObjectId string = ''

@description('Display name of that administrator (user principal name, or the group\'s name).')
param postgresAdminName string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param postgresAdminType string = 'Group'

@description('Display name of the bot in Teams.')
param botDisplayName string = 'Keyward'

@description('Create a separate managed identity for read-only preflight and health checks.')
param separateReaderIdentity bool = true

@description('Comma-separated Entra tenant ids whose activities Keyward serves (default: this tenant).')
param allowedTenants string = tenant().tenantId

@description('Create Application Insights (workspace-based) and send Keyward\'s traces and metrics there (APPLICATIONINSIGHTS_CONNECTION_STRING).')
param enableApplicationInsights bool = true

var tenantId = tenant().tenantId
var usePostgres = store == 'postgres'
var instances = usePostgres ? instanceCount : 1
var postgresDatabase = 'keyward'

// Traces (one per click, down to each Azure request) and metrics; see the README's "Operating
// Keyward" section for the alerts worth setting.
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = if (enableApplicationInsights) {
  name: '${baseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = if (enableApplicationInsights) {
  name: '${baseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource writer 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-writer'
  location: location
}

resource reader 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (separateReaderIdentity) {
  name: '${baseName}-reader'
  location: location
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${baseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instances
  }
  properties: {
    reserved: true
    zoneRedundant: usePostgres && zoneRedundant && startsWith(appServiceSku, 'P')
  }
}

// Private access: App Service reaches PostgreSQL through its own subnet; PostgreSQL has no public endpoint.
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = if (usePostgres && privateNetwork) {
  name: '${baseName}-vnet'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.40.0.0/16'] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.40.1.0/24'
          delegations: [{ name: 'web', properties: { serviceName: 'Microsoft.Web/serverFarms' } }]
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: '10.40.2.0/24'
          delegations: [{ name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }]
        }
      }
    ]
  }
}

resource postgresDns 'Microsoft.Network/privateDnsZones@2020-06-01' = if (usePostgres && privateNetwork) {
  name: '${baseName}.private.postgres.database.azure.com'
  location: 'global'
}

resource postgresDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = if (usePostgres && privateNetwork) {
  parent: postgresDns
  name: '${baseName}-vnet'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnet.id }
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (usePostgres) {
  name: '${baseName}-db'
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: postgresVersion
    // Microsoft Entra sign-in only: no password exists anywhere.
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenantId
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 35
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: zoneRedundant ? 'ZoneRedundant' : 'Disabled'
    }
    network: privateNetwork
      ? {
          delegatedSubnetResourceId: '${vnet.id}/subnets/postgres'
          privateDnsZoneArmResourceId: postgresDns.id
          publicNetworkAccess: 'Disabled'
        }
      : {
          publicNetworkAccess: 'Enabled'
        }
  }
  dependsOn: [postgresDnsLink]
}

// TLS is required (Keyward also requires it in production: KEYWARD_POSTGRES_URL is verified against the server certificate).
resource postgresTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (usePostgres) {
  parent: postgres
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
}

resource postgresDb 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = if (usePostgres) {
  parent: postgres
  name: postgresDatabase
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [postgresTls]
}

resource postgresAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = if (usePostgres && !empty(postgresAdminObjectId)) {
  parent: postgres
  name: postgresAdminObjectId
  properties: {
    principalType: postgresAdminType
    principalName: postgresAdminName
    tenantId: tenantId
  }
  dependsOn: [postgresDb]
}

// Public access only: Azure services (App Service's outbound addresses) may connect; sign-in still needs an Entra token.
resource postgresAzureAccess 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (usePostgres && !privateNetwork) {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [postgresAdmin]
}

var storeSettings = usePostgres
  ? [
      { name: 'KEYWARD_STORE', value: 'postgres' }
      // The role is the managed identity's name (infra/postgres-role.sql); no password: the Entra token is.
      { name: 'KEYWARD_POSTGRES_URL', value: 'postgres://${writer.name}@${postgres.properties.fullyQualifiedDomainName}:5432/${postgresDatabase}' }
      { name: 'KEYWARD_POSTGRES_AUTH', value: 'entra' }
      { name: 'KEYWARD_POSTGRES_CLIENT_ID', value: writer.properties.clientId }
    ]
  : [
      { name: 'KEYWARD_STORE', value: 'sqlite' }
      // One instance with the SQLite file on /home, App Service's SMB share, where SQLite's locking is
      // not reliable: Keyward refuses that unless this setting, whose name says the risk, is set.
      { name: 'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE', value: 'true' }
    ]

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: baseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: union(
      { '${writer.id}': {} },
      separateReaderIdentity ? { '${reader.id}': {} } : {}
    )
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: usePostgres && privateNetwork ? '${vnet.id}/subnets/app' : null
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appCommandLine: 'node dist/main.js'
      // Readiness, not liveness: App Service takes an instance out of rotation (and replaces it
      // after a while) when /readyz fails — store, audit chain head, policy file, identities' tokens.
      // https://learn.microsoft.com/azure/app-service/monitor-instances-health-check
      healthCheckPath: '/readyz'
      vnetRouteAllEnabled: usePostgres && privateNetwork
      appSettings: concat(storeSettings, [
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: writer.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: tenantId }
        { name: 'KEYWARD_ALLOWED_TENANTS', value: allowedTenants }
        { name: 'KEYWARD_WRITER_CLIENT_ID', value: writer.properties.clientId }
        { name: 'KEYWARD_READER_CLIENT_ID', value: separateReaderIdentity ? reader.properties.clientId : writer.properties.clientId }
        { name: 'KEYWARD_DATA_DIR', value: '/home/keyward' }
        { name: 'KEYWARD_HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        { name: 'WEBSITES_PORT', value: '8080' }
      ], enableApplicationInsights ? [
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
      ] : [])
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${baseName}-bot'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: writer.properties.clientId
    msaAppMSIResourceId: writer.id
    msaAppTenantId: tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

@description('Use as BOT_ID (and MicrosoftAppId) when packaging the Teams app.')
output botId string = writer.properties.clientId
output writerPrincipalId string = writer.properties.principalId
output readerPrincipalId string = separateReaderIdentity ? reader.properties.principalId : writer.properties.principalId
output botEndpoint string = 'https://${site.properties.defaultHostName}/api/messages'
output appServiceName string = site.name
@description('Run infra/postgres-role.sql as the Entra administrator against this server, once (see infra/README.md).')
output postgresServer string = usePostgres ? postgres.properties.fullyQualifiedDomainName : ''
@description('The database role Keyward signs in as: the managed identity\'s name.')
output postgresRole string = usePostgres ? writer.name : ''
