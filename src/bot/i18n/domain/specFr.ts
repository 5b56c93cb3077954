import type { SPEC_EN } from './specEn';

/** Validation messages, French (see specEn.ts). Identifiers, names, cmdlets and numbers stay placeholders. */
export const SPEC_FR: Readonly<Record<keyof typeof SPEC_EN, string>> = {
  'depScript.unconfirmed.onboarding':
    'Validation d’intégration : la valeur -Scenario pour cette charge de travail, la valeur -OnboardingMode Validate, les propriétés de sortie ValidationResult/FailedValidations et l’exigence « Reader sur les deux abonnements » viennent de guides communautaires, pas de textes de Microsoft.',
  'depScript.unconfirmed.hsmUri':
    'Que les applets de commande DEP acceptent des URI de clé managedhsm.azure.net est suggéré par la page Managed HSM de Microsoft, mais pas confirmé.',
  'depScript.unconfirmed.spoUri':
    'Update-SPODataEncryptionPolicy -KeyVaultUri (le jeu de paramètres documenté BYOK_Uri) : qu’il accepte l’identifiant de clé versionné que Keyward transmet, et une clé managedhsm.azure.net, n’est pas confirmé.',
  'depScript.spoRegisterHsm':
    '{cmdlet} ne documente qu’un nom de coffre, un nom de clé et une version de clé ({reference}) ; Microsoft ne documente aucune forme pour une clé de HSM managé, Keyward n’écrit donc pas de supposition. Demandez à Microsoft (clé client avec HSM managé : {page}) comment inscrire SharePoint sur des clés de HSM managé, ou utilisez des clés Key Vault pour SharePoint.',
  'depScript.appOnlyLeavesOut':
    'La vérification d’intégration (New-CustomerKeyOnboardingRequest) est omise : le module M365CustomerKeyOnboarding connecte une personne de façon interactive et ne documente aucune connexion par identité managée, il ne peut donc pas s’exécuter sans surveillance. C’est l’étape d’intégration du parcours, exécutée par un opérateur ; Keyward vérifie que cette étape est faite avant cette stratégie.',
  'depScript.unconfirmed.appOnly': 'Que chaque applet de commande DEP fonctionne en mode application seule (Connect-ExchangeOnline -ManagedIdentity) n’est pas confirmé.',
  'depScript.offboarding.multiWorkload':
    'Dès que des données sont chiffrées sous cette stratégie, ses clés doivent rester disponibles. Quitter la clé client pour la stratégie multicharge exige une demande de support Microsoft ; gardez les coffres, les clés et les autorisations jusqu’à ce que Microsoft ait ré-encapsulé les données.',
  'depScript.offboarding.exchange':
    'Dès que des boîtes aux lettres sont chiffrées sous cette stratégie, ses clés doivent rester disponibles. Pour en retirer une boîte aux lettres, exécutez {command} (Exchange la rechiffre avec des clés gérées par Microsoft ; inutile de demander à Microsoft) ; gardez les clés jusqu’à la fin de l’opération.',
  'depScript.offboarding.sharePoint':
    'L’inscription d’une DEP SharePoint ne peut pas revenir à des clés gérées par Microsoft, et les clés doivent rester disponibles aussi longtemps que les données existent.',
  'depScript.title.multiWorkload': 'DEP multicharge {name}',
  'depScript.title.exchange': 'DEP de boîtes aux lettres Exchange {name}',
  'depScript.title.sharePoint': 'DEP SharePoint ({count, plural, one {# géo} other {# géos}})',
  'depScript.mailboxes.empty': 'Indiquez au moins une boîte aux lettres, ou choisissez toutes les boîtes aux lettres.',
  'depScript.geos.empty': 'Ajoutez l’URL d’administration SharePoint et les clés d’au moins une géo.',
  'depScript.geos.twice': 'Cette géo est listée deux fois ; chaque géo a exactement une DEP SharePoint.',
  'depScript.connection.clientId': '{value} n’est pas un identifiant client d’identité managée (un GUID).',
  'depScript.connection.organization': '{value} n’est pas un domaine d’organisation. Utilisez le domaine initial du locataire, par exemple {example}.',
  'depScript.keys.needVersion': 'SharePoint a besoin de la version de la clé : collez l’identifiant de clé complet avec la version, tel que {command} l’affiche.',
  'depScript.keys.hsmNeedsKeyIdentifier':
    'Les clés de HSM managé exigent les paramètres {parameter} du module d’intégration (module {version} ou ultérieur) ; choisissez le style de paramètres {style}.',
  'depScript.keys.same': 'Les deux clés d’une stratégie doivent être des clés différentes (une dans chaque abonnement).',
  'depScript.keys.sameSubscription': 'Les deux clés d’une stratégie doivent se trouver dans deux abonnements Azure différents.',
  'depScript.refresh.newVersion': 'Indiquez la nouvelle version de la clé.',
  'depScript.refresh.needVersion': 'SharePoint a besoin de la nouvelle version de la clé : indiquez l’identifiant de clé versionné.',
  'depScript.refresh.keyType': 'Le type de clé doit être {primary} (clé A) ou {secondary} (clé B).',
  'depScript.title.sharePointRoll': 'Rotation de clé SharePoint ({keyType})',
  'depScript.title.refresh': 'Actualiser {name}',
  'depScript.unconfirmed.mailboxProperty':
    'Le choix « toutes les boîtes aux lettres de cette stratégie » lit la propriété DataEncryptionPolicy de la sortie de Get-Mailbox ; qu’elle soit renvoyée pour chaque boîte aux lettres n’est pas confirmé. En cas de doute, listez les boîtes aux lettres par leur nom.',
  'depScript.offboard.empty': 'Indiquez au moins une boîte aux lettres, ou choisissez toutes les boîtes aux lettres de cette stratégie.',
  'depScript.title.offboard': 'Retirer des boîtes aux lettres de {name}',
  'keyUri.example': 'Un identifiant de clé ressemble à {example} (suivi éventuellement de {version}).',
  'keyUri.empty': 'Saisissez un identifiant de clé.',
  'keyUri.characters': '{value} contient des espaces, des barres obliques inverses, des séquences d’échappement en pourcentage ou des segments de points.',
  'keyUri.notHttps': '{value} n’est pas un identifiant de clé https (aucune requête, aucun fragment ni nom d’utilisateur autorisé).',
  'keyUri.host': 'L’hôte {host} n’est ni un Key Vault ({vault}) ni un HSM managé ({hsm}).',
  'keyUri.port': 'Les identifiants de clé Azure ne portent pas d’autre port que 443 (trouvé : {port}).',
  'keyUri.path': '{value} ne désigne pas une clé (le chemin doit être {short} ou {short}/<version>).',
  'keyUri.version': '{value} n’est pas une version de clé (32 caractères hexadécimaux).',
  'name.char.space': 'une espace',
  'name.char.quoted': '« {character} »',
  'name.subject.vault': 'Le nom du coffre',
  'name.subject.hsm': 'Le nom du HSM',
  'name.subject.key': 'Le nom de la clé',
  'name.subject.resourceGroup': 'Le nom du groupe de ressources',
  'name.subject.policy': 'Le nom de la stratégie',
  'name.subject.mailbox': 'La boîte aux lettres',
  'name.unsafe': '{subject} {problem}.',
  'name.rule.vault':
    'Les noms de coffre comptent {min} à {max} caractères : lettres, chiffres et traits d’union, commencent par une lettre, finissent par une lettre ou un chiffre, sans deux traits d’union consécutifs',
  'name.rule.hsm':
    'Les noms de HSM comptent {min} à {max} caractères : lettres, chiffres et traits d’union, commencent par une lettre, finissent par une lettre ou un chiffre, sans deux traits d’union consécutifs (Keyward applique la règle de Key Vault aux noms de HSM)',
  'name.vault.empty': 'Saisissez un nom de coffre. {rule}.',
  'name.hsm.empty': 'Saisissez un nom de HSM. {rule}.',
  'name.container.underscore':
    '{subject} {value} contient un trait de soulignement, qu’Azure rejette (les exemples de clé client de Microsoft en utilisent, mais ils ne fonctionnent pas). {rule}. Essayez {suggestion}.',
  'name.badCharacters': '{subject} {value} contient {characters}. {rule}. Essayez {suggestion}.',
  'name.length': '{subject} {value} compte {length} caractères. {rule}.',
  'name.start': '{subject} {value} doit commencer par une lettre. {rule}.',
  'name.end': '{subject} {value} doit finir par une lettre ou un chiffre. {rule}.',
  'name.doubleHyphen': '{subject} {value} contient deux traits d’union consécutifs. {rule}.',
  'name.rule.key': 'Les noms de clé comptent 1 à {max} caractères : lettres, chiffres et traits d’union uniquement',
  'name.key.empty': 'Saisissez un nom de clé. {rule}.',
  'name.key.underscore':
    'Le nom de clé {value} contient un trait de soulignement, que Key Vault rejette (les exemples de Microsoft comme {example} ne fonctionnent pas). {rule}. Essayez {suggestion}.',
  'name.key.characters': 'Le nom de clé {value} contient d’autres caractères que des lettres, des chiffres et des traits d’union. {rule}. Essayez {suggestion}.',
  'name.tooLong': '{subject} compte {length} caractères. {rule}.',
  'name.rule.resourceGroup':
    'Les noms de groupe de ressources comptent 1 à 90 caractères : lettres, chiffres, traits de soulignement, traits d’union, points et parenthèses, sans point final',
  'name.resourceGroup.empty': 'Saisissez un nom de groupe de ressources. {rule}.',
  'name.contains': 'Le nom du groupe de ressources {value} contient {characters}. {rule}.',
  'name.resourceGroup.period': 'Le nom du groupe de ressources {value} finit par un point. {rule}.',
  'name.subscription.empty': 'Saisissez l’identifiant d’abonnement (un GUID comme {example}, affiché dans le portail Azure sous Abonnements).',
  'name.subscription.invalid': '{value} n’est pas un identifiant d’abonnement. Copiez l’ID d’abonnement (un GUID) depuis le portail Azure, pas le nom de l’abonnement.',
  'name.tenant.invalid': '{value} n’est pas un identifiant de locataire. Utilisez l’identifiant de locataire Microsoft Entra (un GUID) de l’organisation Microsoft 365.',
  'name.role.identity': 'identité',
  'name.objectId.empty': 'Saisissez l’identifiant d’objet (rôle : {role} ; un GUID de Microsoft Entra ID : Utilisateurs ou Applications d’entreprise → ID d’objet).',
  'name.objectId.invalid': '{value} n’est pas un identifiant d’objet. Saisissez l’ID d’objet de Microsoft Entra ID (rôle : {role} ; un GUID), pas un nom ni une adresse e-mail.',
  'name.objectId.clientId':
    '{value} est l’identifiant d’application (client) de {name}, pas un identifiant d’objet. Azure attribue les rôles à l’identifiant d’objet (aussi appelé ID de principal) de l’identité dans votre locataire ; un identifiant client désigne l’inscription d’application, Azure le rejetterait donc ou n’accorderait rien. Utilisez l’ID d’objet affiché sous Applications d’entreprise (ou l’ID de principal de l’identité managée).',
  'name.rule.policy': 'Les noms de stratégie comptent 1 à 64 caractères : lettres, chiffres, points, traits de soulignement et traits d’union, sans espaces',
  'name.policy.empty': 'Saisissez un nom de stratégie. {rule}.',
  'name.policy.space': 'Le nom de stratégie {value} contient une espace ; Microsoft 365 n’autorise pas d’espaces dans les noms de DEP. {rule}. Essayez {suggestion}.',
  'name.policy.characters': 'Le nom de stratégie {value} contient des caractères que Keyward n’autorise pas. {rule}.',
  'name.subject.officerName': 'Le nom d’affichage du responsable',
  'name.subject.depDescription': 'La description de la stratégie',
  'name.officerName.empty': 'Saisissez le nom d’affichage du responsable.',
  'name.depDescription.empty': 'Saisissez la description de la stratégie.',
  'name.freeText.tooLong': '{subject} compte {length} caractères ; la limite est {max}.',
  'name.mailbox.empty': 'Saisissez une boîte aux lettres : son adresse e-mail principale ou son nom d’utilisateur principal.',
  'name.mailbox.tooLong': 'L’identité de la boîte aux lettres dépasse 320 caractères ; utilisez son adresse e-mail principale.',
  'name.mailbox.invalid':
    '{value} n’est pas une identité de boîte aux lettres que Keyward accepte. Utilisez l’adresse e-mail principale ou le nom d’utilisateur principal de la boîte aux lettres (par exemple {example}), son GUID ou son alias.',
  'name.adminUrl.invalid':
    '{value} n’est pas une URL d’administration SharePoint. Utilisez l’adresse du centre d’administration de la géo, par exemple {example} (multigéo : {multiGeo}).',
  'name.keyVersion.invalid': '{value} n’est pas une version de clé. Une version, ce sont les 32 caractères hexadécimaux à la fin de l’identifiant de clé ({form}).',
  'name.unsafe.smartQuote':
    'contient le guillemet typographique {character} ({code}), que PowerShell traite comme un guillemet ; tapez plutôt une apostrophe droite (U+0027) ou supprimez-le',
  'name.unsafe.control': 'contient un caractère invisible ou de contrôle ({code}), comme un saut de ligne ou une inversion de sens ; saisissez à nouveau la valeur sans lui',
  'spec.protection.empty': 'Choisissez où vivent les clés : Key Vault Premium ou HSM managé.',
  'spec.protection.unknown': '{value} n’est pas un choix que Keyward connaît. Choisissez Key Vault Premium (keyVaultPremium) ou HSM managé (managedHsm).',
  'spec.workloads.empty': 'Choisissez au moins une charge de travail : multicharge (tout le locataire), boîtes aux lettres Exchange, ou fichiers SharePoint/OneDrive/Teams.',
  'spec.workloads.unknown': 'Keyward ne connaît pas {values}. Choisissez parmi multiWorkload, exchange et sharePoint.',
  'spec.region.empty': 'Choisissez la région Azure du site {site} (clé {site}).',
  'spec.region.unknownForSubscriptions':
    '{value} n’est pas une région Azure que Keyward connaît pour ces abonnements. Utilisez le nom de la région tel que le portail l’affiche, par exemple West Europe (westeurope).',
  'spec.region.unknown': '{value} n’est pas une région Azure que Keyward connaît. Utilisez le nom de la région tel que le portail l’affiche, par exemple West Europe (westeurope).',
  'spec.subscription.same':
    'Le site B doit utiliser un autre abonnement que le site A : la clé client exige les deux clés de chaque stratégie dans deux abonnements Azure différents (Microsoft recommande deux nouveaux abonnements réservés à la clé client, administrés par des personnes différentes).',
  'spec.region.paired':
    '{a} et {b} forment une paire de régions Azure. C’est permis, mais Microsoft recommande deux régions non appariées, ce qui donne quatre régions de disponibilité au lieu de deux.',
  'spec.region.noHsm': 'Le HSM managé n’est pas proposé dans {region} pour cet abonnement. Choisissez une région où le HSM managé est disponible.',
  'spec.region.hsmUnlisted':
    '{region} ne figure pas dans la liste prudente des régions de HSM managé de Keyward. Cela peut fonctionner, mais la création peut échouer avec « {azureError} » ; les vérifications préalables consultent la vraie liste de l’abonnement.',
  'spec.keySize.invalid':
    '{value} n’est pas une taille de clé utilisable par la clé client. Choisissez 3072 (recommandé), 4096 ou 2048 bits ; les clés sont toujours RSA et protégées par HSM.',
  'spec.keySize.small': 'Les clés de 2048 bits sont permises, mais la recommandation d’Azure pour le chiffrement au repos est de 3072 ou 4096 bits. Keyward recommande 3072.',
  'spec.accessModel.ignored': 'Le modèle d’accès ne concerne que Key Vault ; un HSM managé utilise toujours son RBAC local, cette valeur est donc ignorée.',
  'spec.accessModel.invalid': '{value} n’est pas un modèle d’accès. Choisissez Azure RBAC (rbac) ou les stratégies d’accès (accessPolicy).',
  'spec.vault.owner': '{workload} sur le site {site}',
  'spec.vault.duplicate':
    'Le nom de coffre {value} est déjà utilisé pour {owner}. Chaque charge de travail a besoin de son propre coffre dans chaque abonnement (un coffre par charge de travail et par abonnement), et les noms de coffre sont globaux : choisissez un autre nom.',
  'spec.hsm.sameName': 'Le HSM B a besoin de son propre nom : {value} est déjà celui du HSM A. La clé client utilise deux HSM, un par abonnement, et les noms de HSM sont globaux.',
  'spec.key.duplicate':
    'Le nom de clé {value} est déjà utilisé pour {workload} dans le HSM {site}. Chaque charge de travail a besoin de sa propre clé ; dans un HSM, les noms de clé sont uniques sans tenir compte de la casse.',
  'spec.admins.empty':
    'Nommez au moins un administrateur initial par son identifiant d’objet Entra. Seuls les administrateurs initiaux peuvent activer le HSM et gérer son domaine de sécurité ; Keyward ajoute sa propre identité, car c’est lui qui exécute l’activation.',
  'name.role.initialAdministrator': 'administrateur initial',
  'spec.admins.twice': '{value} est listé deux fois ; listez chaque administrateur une seule fois.',
  'spec.retention.invalid':
    'La rétention après suppression réversible doit être un nombre entier de jours de {min} à {max} (elle est fixée à la création du HSM). Keyward recommande 90.',
  'spec.retention.short':
    'Avec {days} jours, les clés indiquent {customized} au lieu du {documented} que documente la clé client ; la validation de Microsoft peut le rejeter, et la valeur ne peut plus être modifiée ensuite. Keyward recommande 90.',
  'name.role.officer': 'responsable du domaine de sécurité',
  'spec.officers.chosenTwice': '{id} est choisi deux fois. Chaque part du domaine de sécurité doit être détenue par une personne différente.',
  'spec.officers.notFound': 'Keyward n’a pas trouvé {id} dans votre annuaire. Choisissez à nouveau le responsable dans la liste.',
  'spec.officers.twice': 'Cette personne est déjà responsable sur une ligne précédente. Chaque part du domaine de sécurité doit être détenue par une personne différente.',
  'spec.officers.tooFew':
    'Nommez au moins {min} responsables du domaine de sécurité (vous en avez {count}). L’activation exige {min} à {max} clés d’encapsulation, chacune détenue hors ligne par une personne différente.',
  'spec.officers.tooMany': 'Nommez au plus {max} responsables du domaine de sécurité (vous en avez {count}).',
  'spec.quorum.invalid': 'Le quorum doit être un nombre entier de {min} à {max} : combien de responsables doivent se réunir pour récupérer le domaine de sécurité.',
  'spec.quorum.tooLarge':
    'Le quorum ({quorum}) dépasse le nombre de responsables ({count}), le domaine de sécurité ne pourrait donc jamais être récupéré. Choisissez un quorum de {min} à {count}, ou ajoutez des responsables.',
  'spec.quorum.small': 'Microsoft recommande un quorum d’au moins 3, détenu par des personnes distinctes en des lieux distincts.',
  'spec.quorum.equal':
    'Le quorum est égal au nombre de responsables : si la clé d’un seul responsable est perdue, le domaine de sécurité ne peut plus être récupéré. Envisagez plus de responsables que le quorum.',
  'spec.costAcknowledged': 'Cochez la confirmation de facturation pour continuer : « {acknowledgment} »',
  'name.role.custodian': 'dépositaire de la clé {site}',
  'spec.custodians.missing': 'Nommez au moins un dépositaire pour la clé {site} : la stratégie d’approbation exige des dépositaires distincts pour chaque clé.',
  'spec.custodians.bothRequired':
    '{people} {count, plural, one {est dépositaire} other {sont dépositaires}} des deux clés. La stratégie d’approbation exige la séparation des tâches : personne ne peut approuver des changements à la fois sur la clé A et sur la clé B.',
  'spec.custodians.both':
    '{people} {count, plural, one {est dépositaire} other {sont dépositaires}} des deux clés. Microsoft recommande que des personnes différentes administrent chaque clé, pour que personne ne puisse agir seul sur les deux.',
  'spec.custodians.none':
    'Aucun dépositaire de clé n’est nommé. Microsoft recommande que des personnes différentes administrent la clé A et la clé B ; nommez-les ici pour que les approbations puissent l’imposer.',
};
