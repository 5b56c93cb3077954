// Keyward's own key rights on Key Vault Premium vaults, without delete and purge.
//
// Key Vault Crypto Officer grants Microsoft.KeyVault/vaults/keys/* — delete and purge included — so
// Keyward's writer gets this custom role instead: read keys, create keys (a key roll creates a new
// version of the same name) and back them up. Nothing else: no delete, no purge, no update (which
// could disable a key or set an expiry), no import, no restore, no wrap/unwrap.
//
// Deploy once per Customer Key subscription (A and B), at subscription scope:
//   az deployment sub create -l <region> -f infra/keywardRoles.bicep --subscription <id>
// then set KEYWARD_VAULT_KEY_ROLE_ID to the output roleDefinitionId (the GUID; it is the same in
// both subscriptions when both list each other in assignableScopes, or deploy it in each).
// Keyward's setup plan then gives the writer this role on each vault it creates.
//
// To let the writer assign it (Key Vault Data Access Administrator may assign only built-in Key
// Vault roles), grant the writer "Role Based Access Control Administrator" on the Customer Key
// resource groups with the condition in infra/README.md, limited to this role and Key Vault Crypto
// Service Encryption User.
//
// Data actions: Key Vault RBAC guide, https://learn.microsoft.com/azure/key-vault/general/rbac-guide
targetScope = 'subscription'

@description('Subscriptions where the role can be assigned (default: this one).')
param assignableSubscriptionIds array = [subscription().subscriptionId]

var roleName = 'Keyward Customer Key Key Writer'
var roleDefinitionId = guid(tenant().tenantId, roleName)

resource keyWriter 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionId
  properties: {
    roleName: roleName
    description: 'Read, create (and so roll) and back up keys in Key Vault. No delete, no purge, no update.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.KeyVault/vaults/keys/read'
          'Microsoft.KeyVault/vaults/keys/create/action'
          'Microsoft.KeyVault/vaults/keys/backup/action'
        ]
        notDataActions: []
      }
    ]
    assignableScopes: [for id in assignableSubscriptionIds: '/subscriptions/${id}']
  }
}

@description('Set KEYWARD_VAULT_KEY_ROLE_ID to this GUID.')
output roleDefinitionId string = roleDefinitionId
