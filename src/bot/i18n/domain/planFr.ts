import type { PLAN_EN } from './planEn';

/** Plan sentences, French (see planEn.ts). Cards show them only where the English equals what the plan keeps. */
export const PLAN_FR: Readonly<Record<keyof typeof PLAN_EN, string>> = {
  'dep.name.multiWorkload': 'DEP multicharge « {name} »',
  'dep.name.exchange': 'DEP de boîtes aux lettres Exchange « {name} »',
  'dep.name.sharePoint': 'DEP SharePoint de {adminUrl}',
  'cost.keyVaultPremium':
    'Key Vault Premium facture par opération, plus un montant mensuel par clé protégée par HSM ; Microsoft 365 met les clés en cache, les opérations sont donc peu nombreuses. Voir la page de tarification de Key Vault.',
  'cost.managedHsmHourly': 'Chaque HSM managé facture un montant horaire fixe dès son provisionnement (avant l’activation aussi), qu’il soit utilisé ou non.',
  'cost.managedHsmSoftDeleted':
    'Un HSM managé supprimé continue d’être facturé tant qu’il est supprimé de façon réversible, jusqu’à sa purge ; avec la protection contre la purge, il ne peut pas être purgé avant la fin de la période de rétention, vous payez donc toute la période de rétention.',
  'cost.managedHsmPair': 'La clé client exige deux HSM, le montant horaire s’applique donc deux fois.',
  'cost.managedHsmPrice': 'Keyward n’indique pas de prix (UNCONFIRMED) ; consultez la page de tarification Azure pour votre région.',
  'cost.teardownBillingUntilPurge':
    'La facturation d’un HSM managé ne s’arrête qu’une fois sa purge terminée ; un abonnement désactivé bloque la purge alors que la facturation continue.',
  'availabilityKey.what':
    'Outre vos deux clés, chaque stratégie de chiffrement des données a une troisième clé racine, la clé de disponibilité. Microsoft la crée et la détient ; vous ne pouvez ni la voir, ni l’utiliser, ni la faire tourner.',
  'availabilityKey.whenUsed':
    'Microsoft ne l’utilise que pour garder les données disponibles quand aucune de vos clés n’est joignable pour une raison autre que votre action délibérée (une panne), et pour récupérer les données à votre demande si vous perdez les deux clés. Si vous révoquez volontairement l’accès à vos clés, Exchange ne se rabat pas sur elle.',
  'availabilityKey.roll':
    'La rotation de la clé A ou B ne touche jamais la clé de disponibilité : c’est Microsoft qui la fait tourner. Une nouvelle stratégie de boîtes aux lettres Exchange reçoit une nouvelle clé de disponibilité ; SharePoint fait plutôt tourner sa clé intermédiaire quand une nouvelle stratégie est inscrite.',
  'plan.step.resourceGroup': 'S’assurer que le groupe de ressources {resourceGroup} existe dans l’abonnement {subscriptionId} ({region}).',
  'plan.step.vaultRbac': 'Créer le Key Vault {vault} (Premium, {region}) pour {workload} : suppression réversible {days} jours, protection contre la purge activée, Azure RBAC.',
  'plan.step.vaultPolicies':
    'Créer le Key Vault {vault} (Premium, {region}) pour {workload} : suppression réversible {days} jours, protection contre la purge activée, stratégies d’accès ; Keyward reçoit {permissions} sur les clés (pas de suppression).',
  'plan.step.keywardCustomRole':
    'Donner à l’identité d’écriture de Keyward le rôle {role} sur le coffre {vault}, pour qu’elle puisse créer et sauvegarder la clé (ni suppression, ni purge).',
  'plan.step.vaultPoliciesReader':
    'Créer le Key Vault {vault} (Premium, {region}) pour {workload} : suppression réversible {days} jours, protection contre la purge activée, stratégies d’accès ; Keyward reçoit {permissions} sur les clés (pas de suppression), son identité de lecture {readerPermissions}.',
  'plan.step.readerRole':
    'Donner à l’identité de lecture de Keyward le rôle {role} sur le coffre {vault}, pour que les vérifications lisent la clé sans les droits de l’identité d’écriture.',
  'plan.step.hsmReaderRole':
    'Donner à l’identité de lecture de Keyward le rôle {role} sur les clés du HSM {hsm}, pour que les vérifications lisent les clés et leurs attributions de rôle sans les droits de l’identité d’écriture.',
  'plan.step.keywardRole': 'Donner à l’identité d’écriture de Keyward le rôle {role} sur le coffre {vault}, pour qu’elle puisse créer et sauvegarder la clé.',
  'plan.step.serviceRole': 'Donner à {principal} le rôle {role} sur le coffre {vault}.',
  'plan.step.servicePolicy': 'Donner à {principal} get, wrapKey et unwrapKey sur les clés du coffre {vault} (stratégie d’accès).',
  'plan.step.key':
    'Créer la clé {key} dans {kind, select, vault {le coffre} other {le HSM}} {container} : RSA-HSM {size} bits, wrapKey et unwrapKey uniquement, sans date d’expiration.',
  'plan.step.backupAgain': 'Sauvegarder à nouveau la clé {key}, maintenant avec sa nouvelle version.',
  'plan.step.backup': 'Sauvegarder la clé {key} à l’emplacement de sauvegarde configuré (jamais dans la conversation).',
  'plan.step.hsm':
    'Créer le HSM managé {hsm} dans {region} avec {admins} administrateurs initiaux (Keyward compris), {days} jours de suppression réversible et la protection contre la purge ; la facturation horaire commence maintenant. Compter environ 25 minutes.',
  'plan.step.activate':
    'Activer le HSM {hsm} : {officers} responsables remettent chacun un certificat public, Keyward télécharge le domaine de sécurité avec le quorum {quorum} et le stocke chiffré.',
  'plan.step.hsmKeywardRole':
    'Créer le rôle personnalisé {role} dans le HSM {hsm} et le donner à l’identité d’écriture de Keyward sur les clés : lire, créer et sauvegarder des clés ; ni suppression, ni purge.',
  'plan.step.hsmServiceRole': 'Donner à {principal} le rôle {role} sur la seule clé {key} (étendue {scope}).',
  'plan.step.revokeAdmin':
    'Retirer à Keyward son propre rôle {role} dans le HSM {hsm} ; {count, plural, one {# administrateur humain le garde} other {# administrateurs humains le gardent}}.',
  'plan.step.verifyRoll': 'Vérifier la nouvelle version de {key} au regard des règles de la clé client.',
  'plan.step.verifyDep': 'Vérifier les deux clés au regard des règles de la clé client avant de créer la stratégie.',
  'plan.step.verify':
    'Vérifier chaque clé au regard des règles de la clé client (RSA, wrapKey/unwrapKey, activée, sans expiration, niveau de récupération, protection contre la purge, autorisations, sauvegarde, deux abonnements et régions).',
  'plan.step.roll':
    'Créer une nouvelle version de la clé {key} dans {kind, select, vault {le coffre} other {le HSM}} {container} (RSA-HSM {size} bits, wrapKey/unwrapKey, sans expiration) ; les versions précédentes restent activées.',
  'plan.step.refreshSharePoint':
    'Un opérateur exécute Update-SPODataEncryptionPolicy -KeyType {keyType} pour {adminUrl} avec la nouvelle version, puis attend Registered avant toute autre rotation.',
  'plan.step.refreshByKeyward': 'Keyward exécute {cmdlet} -Identity {name} -Refresh.',
  'plan.step.refreshByOperator': 'Un opérateur exécute {cmdlet} -Identity {name} -Refresh.',
  'plan.step.scriptTitle': '{title}',
  'plan.step.applyByKeywardLeftOut': 'Keyward exécute le script généré avec son identité managée : {title}. {leftOut}',
  'plan.step.applyByKeyward': 'Keyward exécute le script généré avec son identité managée : {title}.',
  'plan.step.applyByOperatorOnboarding': 'L’opérateur exécute le script généré : {title} (validation d’intégration d’abord).',
  'plan.step.applyByOperator': 'L’opérateur exécute le script généré : {title}.',
  'plan.step.recordRoll': 'Enregistrer l’état actualisé de la stratégie à partir de la sortie Get- collée.',
  'plan.step.record': 'Enregistrer l’état de la stratégie à partir de la sortie Get- collée.',
  'plan.step.delete':
    'Supprimer {kind, select, managedHsm {le HSM managé} other {le coffre}} {name} ({resourceId}) ; il reste supprimé de façon réversible et récupérable pendant {days} jours.',
  'plan.step.purgeLater':
    'Purger {kind, select, managedHsm {le HSM managé} other {le coffre}} {name} une fois sa rétention de {days} jours écoulée (la protection contre la purge fait refuser toute purge plus tôt par Azure ; Azure le purge aussi de lui-même à ce moment).',
  'plan.step.purgeNow': 'Purger {kind, select, managedHsm {le HSM managé} other {le coffre}} {name} dans {region} juste après la suppression.',
  'plan.title.premium': 'Clé client sur Key Vault Premium : {count} coffres pour {workloads}',
  'plan.irreversible.premiumPurgeProtection':
    'La protection contre la purge est activée pour les {count} coffres : elle ne peut jamais être désactivée, et un coffre supprimé et ses clés ne peuvent pas être purgés avant la fin de sa rétention de {days} jours.',
  'plan.irreversible.premiumNames':
    'Les noms, régions et durées de rétention des coffres ne peuvent plus être modifiés après la création ; un coffre ne peut pas changer de région, et son nom reste réservé tant qu’il est supprimé de façon réversible.',
  'plan.irreversible.neverDeleteUsedKey':
    'Ne supprimez ni ne désactivez jamais une clé (ou une ancienne version de clé) qu’une stratégie de chiffrement des données a utilisée : les données encapsulées avec elle deviennent illisibles.',
  'plan.rights.vaultPolicy':
    'Sur chaque coffre : une stratégie d’accès avec les droits sur les clés {permissions} — lire, créer (et faire tourner) et sauvegarder des clés ; ni suppression, ni purge, ni modification des autorisations.',
  'plan.rights.vaultCustomRole': 'Sur chaque coffre : {role} (rôle personnalisé de {folder}) — lire, créer (et faire tourner) et sauvegarder des clés ; ni suppression, ni purge.',
  'plan.rights.vaultCryptoOfficer':
    'Sur chaque coffre : {role}, qui inclut la suppression et la purge de clés, car {setting} n’est pas défini. Déployez {file} et définissez ce paramètre pour abandonner ces droits ; la protection contre la purge empêche toujours une purge avant la fin de la période de rétention.',
  'plan.rights.premiumResourceGroups':
    'Sur les groupes de ressources : les rôles qu’un administrateur a accordés depuis {file} (créer des coffres, attribuer des rôles de clé) ; le démantèlement en a besoin sous la règle d’approbation des changements destructeurs.',
  'plan.title.hsm': 'Clé client sur HSM managé : 2 HSM pour {workloads}',
  'plan.irreversible.hsmBilling': 'Chaque HSM managé est facturé à l’heure dès son provisionnement ; le supprimer n’arrête la facturation qu’une fois qu’il est purgé.',
  'plan.irreversible.hsmPurgeProtection':
    'La protection contre la purge est activée pour les deux HSM : elle ne peut jamais être désactivée, et un HSM supprimé ne peut pas être purgé pendant {days} jours, durant lesquels il continue d’être facturé.',
  'plan.irreversible.hsmMove':
    'Un HSM managé ne peut pas être déplacé vers un autre groupe de ressources, abonnement ou région, et sa période de rétention ne peut pas être modifiée.',
  'plan.irreversible.hsmSecurityDomain':
    'Si le fichier du domaine de sécurité et les clés privées de {quorum} des {officers} responsables sont perdus, le HSM ne peut pas être récupéré après un sinistre ; Microsoft ne peut pas aider.',
  'plan.rights.hsmRole':
    'Dans chaque HSM : {role} sur les clés — lire, créer (et faire tourner) et sauvegarder des clés, lire les attributions de rôles ; ni suppression, ni purge, ni gestion des rôles.',
  'plan.rights.hsmGivesUpAdmin':
    'Keyward abandonne {role} après l’activation ; {count, plural, one {votre # administrateur le garde} other {vos # administrateurs le gardent}} (et eux seuls peuvent donner davantage à Keyward, par exemple des clés pour une nouvelle charge de travail).',
  'plan.rights.hsmStaysAdmin':
    'Keyward reste {role}, ce qui lui permet de s’accorder n’importe quel rôle, y compris la suppression de clés, car aucun autre administrateur n’a été nommé. Nommez une personne comme administrateur initial pour l’éviter.',
  'plan.rights.hsmResourceGroups':
    'Sur les groupes de ressources : {role} tel qu’accordé depuis {file} (le démantèlement en a besoin sous la règle d’approbation des changements destructeurs).',
  'plan.title.roll': 'Rotation de la clé {site} ({key}) de {workload}',
  'plan.cost.rollVault': 'Une nouvelle version de clé protégée par HSM peut s’ajouter au montant mensuel par clé ; voir la page de tarification de Key Vault.',
  'plan.title.teardown': 'Supprimer {names}',
  'plan.irreversible.purgeDestroysKeys':
    'Purger {kind, select, managedHsm {le HSM managé} other {le coffre}} {name} détruit définitivement ses clés ({keys}) ; tout ce qui est encore encapsulé avec elles devient illisible.',
  'plan.irreversible.purgeDestroysNoKeys':
    'Purger {kind, select, managedHsm {le HSM managé} other {le coffre}} {name} détruit définitivement ses clés (aucune listée) ; tout ce qui est encore encapsulé avec elles devient illisible.',
  'plan.cost.hsmUntilPurgeDays': 'Le HSM managé {name} continue d’être facturé à l’heure pendant {days} jours après la suppression, jusqu’à la fin de la purge.',
  'plan.cost.hsmUntilPurge': 'Le HSM managé {name} continue d’être facturé à l’heure jusqu’à la fin de la purge.',
  'plan.cost.keepEnabled': 'Gardez les abonnements activés jusqu’à la fin de chaque purge : un abonnement désactivé refuse la purge.',
  'plan.cost.retentionPurge':
    'Avec la période de rétention obligatoire inscrite, Azure peut refuser une purge par le client ; le service supprime alors la ressource selon son propre calendrier.',
};
