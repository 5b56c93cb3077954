// Keyward in Azure: a user-assigned managed identity that is the bot's identity and Keyward's
// executor, an optional second identity for read-only preflight, a Linux App Service (Node 20)
// running the bot under those identities, and an Azure Bot (UserAssignedMSI) with the Teams channel.
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

@description('App Service plan SKU. B1 is enough for one tenant; P1v3 adds more memory and scale-out.')
@allowed(['B1', 'B2', 'S1', 'P1v3'])
param appServiceSku string = 'B1'

@description('Display name of the bot in Teams.')
param botDisplayName string = 'Keyward'

@description('Create a separate managed identity for read-only preflight and health checks.')
param separateReaderIdentity bool = true

@description('Comma-separated Entra tenant ids whose activities Keyward serves (default: this tenant).')
param allowedTenants string = tenant().tenantId

@description('Create Application Insights (workspace-based) and send Keyward\'s traces and metrics there (APPLICATIONINSIGHTS_CONNECTION_STRING).')
param enableApplicationInsights bool = true

var tenantId = tenant().tenantId

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
  }
  properties: {
    reserved: true
  }
}

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
      appSettings: concat([
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
