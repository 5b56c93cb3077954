import type { SPEC_EN } from './specEn';

/** Validation messages, German (see specEn.ts). Identifiers, names, cmdlets and numbers stay placeholders. */
export const SPEC_DE: Readonly<Record<keyof typeof SPEC_EN, string>> = {
  'depScript.unconfirmed.onboarding':
    'Onboarding-Validierung: Der -Scenario-Wert für diese Workload, der -OnboardingMode-Wert Validate, die Ausgabeeigenschaften ValidationResult/FailedValidations und die Anforderung „Reader auf beiden Abonnements“ stammen aus Community-Anleitungen, nicht aus Texten von Microsoft.',
  'depScript.unconfirmed.hsmUri': 'Dass die DEP-Cmdlets Schlüssel-URIs unter managedhsm.azure.net annehmen, legt die Managed HSM-Seite von Microsoft nahe, bestätigt ist es nicht.',
  'depScript.unconfirmed.spoUri':
    'Update-SPODataEncryptionPolicy -KeyVaultUri (der dokumentierte Parametersatz BYOK_Uri): Ob er die versionierte Schlüsselkennung annimmt, die Keyward übergibt, und einen Schlüssel unter managedhsm.azure.net, ist nicht bestätigt.',
  'depScript.spoRegisterHsm':
    '{cmdlet} dokumentiert nur Tresorname, Schlüsselname und Schlüsselversion ({reference}); Microsoft dokumentiert keine Form für einen Managed HSM-Schlüssel, daher schreibt Keyward keine Vermutung. Fragen Sie Microsoft (Customer Key mit Managed HSM: {page}), wie SharePoint mit Managed HSM-Schlüsseln registriert wird, oder verwenden Sie Key Vault-Schlüssel für SharePoint.',
  'depScript.appOnlyLeavesOut':
    'Die Onboarding-Prüfung (New-CustomerKeyOnboardingRequest) fehlt hier: Das Modul M365CustomerKeyOnboarding meldet eine Person interaktiv an und dokumentiert keine Anmeldung mit verwalteter Identität, kann also nicht unbeaufsichtigt laufen. Sie ist der Onboarding-Schritt des Ablaufs, ausgeführt von einer Person aus dem Betrieb; Keyward prüft vor dieser Richtlinie, dass der Schritt erledigt ist.',
  'depScript.unconfirmed.appOnly': 'Ob jedes DEP-Cmdlet mit reinem App-Zugriff funktioniert (Connect-ExchangeOnline -ManagedIdentity), ist nicht bestätigt.',
  'depScript.offboarding.multiWorkload':
    'Sobald Daten unter dieser Richtlinie verschlüsselt sind, müssen ihre Schlüssel verfügbar bleiben. Customer Key für die Multi-Workload-Richtlinie zu verlassen, erfordert eine Supportanfrage bei Microsoft; behalten Sie Tresore, Schlüssel und Berechtigungen, bis Microsoft die Daten neu umschlossen hat.',
  'depScript.offboarding.exchange':
    'Sobald Postfächer unter dieser Richtlinie verschlüsselt sind, müssen ihre Schlüssel verfügbar bleiben. Um ein Postfach herauszunehmen, führen Sie {command} aus (Exchange verschlüsselt es mit von Microsoft verwalteten Schlüsseln neu; Microsoft muss nicht gefragt werden); behalten Sie die Schlüssel, bis das abgeschlossen ist.',
  'depScript.offboarding.sharePoint':
    'Die Registrierung einer SharePoint-DEP kann nicht auf von Microsoft verwaltete Schlüssel zurückgesetzt werden, und die Schlüssel müssen verfügbar bleiben, solange die Daten existieren.',
  'depScript.title.multiWorkload': 'Multi-Workload-DEP {name}',
  'depScript.title.exchange': 'Exchange-Postfach-DEP {name}',
  'depScript.title.sharePoint': 'SharePoint-DEP ({count, plural, one {# Geo} other {# Geos}})',
  'depScript.mailboxes.empty': 'Führen Sie mindestens ein Postfach auf oder wählen Sie alle Postfächer.',
  'depScript.geos.empty': 'Geben Sie die SharePoint-Admin-URL und die Schlüssel mindestens einer Geo an.',
  'depScript.geos.twice': 'Diese Geo ist doppelt aufgeführt; jede Geo hat genau eine SharePoint-DEP.',
  'depScript.connection.clientId': '{value} ist keine Client-ID einer verwalteten Identität (eine GUID).',
  'depScript.connection.organization': '{value} ist keine Organisationsdomäne. Verwenden Sie die anfängliche Domäne des Mandanten, zum Beispiel {example}.',
  'depScript.keys.needVersion': 'SharePoint braucht die Schlüsselversion: Fügen Sie die vollständige Schlüsselkennung mit Version ein, wie {command} sie ausgibt.',
  'depScript.keys.hsmNeedsKeyIdentifier':
    'Managed HSM-Schlüssel brauchen die Parameter {parameter} des Onboarding-Moduls (Modul {version} oder neuer); wählen Sie den Parameterstil {style}.',
  'depScript.keys.same': 'Die beiden Schlüssel einer Richtlinie müssen verschiedene Schlüssel sein (je einer in jedem Abonnement).',
  'depScript.keys.sameSubscription': 'Die beiden Schlüssel einer Richtlinie müssen in zwei verschiedenen Azure-Abonnements liegen.',
  'depScript.refresh.newVersion': 'Geben Sie die neue Schlüsselversion an.',
  'depScript.refresh.needVersion': 'SharePoint braucht die neue Schlüsselversion: Geben Sie die versionierte Schlüsselkennung an.',
  'depScript.refresh.keyType': 'Der Schlüsseltyp muss {primary} (Schlüssel A) oder {secondary} (Schlüssel B) sein.',
  'depScript.title.sharePointRoll': 'SharePoint-Schlüsselwechsel ({keyType})',
  'depScript.title.refresh': '{name} aktualisieren',
  'depScript.unconfirmed.mailboxProperty':
    'Die Auswahl „jedes Postfach dieser Richtlinie“ liest die Eigenschaft DataEncryptionPolicy aus der Ausgabe von Get-Mailbox; dass sie für jedes Postfach geliefert wird, ist nicht bestätigt. Führen Sie die Postfächer im Zweifel namentlich auf.',
  'depScript.offboard.empty': 'Führen Sie mindestens ein Postfach auf oder wählen Sie jedes Postfach dieser Richtlinie.',
  'depScript.title.offboard': 'Postfächer aus {name} herausnehmen',
  'keyUri.example': 'Eine Schlüsselkennung sieht aus wie {example} (optional gefolgt von {version}).',
  'keyUri.empty': 'Geben Sie eine Schlüsselkennung ein.',
  'keyUri.characters': '{value} enthält Leerzeichen, Backslashes, Prozent-Escapes oder Punktsegmente.',
  'keyUri.notHttps': '{value} ist keine https-Schlüsselkennung (keine Abfrage, kein Fragment und kein Benutzername erlaubt).',
  'keyUri.host': 'Der Host {host} ist weder ein Key Vault ({vault}) noch ein Managed HSM ({hsm}).',
  'keyUri.port': 'Azure-Schlüsselkennungen tragen keinen anderen Port als 443 (gefunden: {port}).',
  'keyUri.path': '{value} verweist auf keinen Schlüssel (der Pfad muss {short} oder {short}/<version> sein).',
  'keyUri.version': '{value} ist keine Schlüsselversion (32 Hexadezimalzeichen).',
  'name.char.space': 'ein Leerzeichen',
  'name.char.quoted': '„{character}“',
  'name.subject.vault': 'Der Tresorname',
  'name.subject.hsm': 'Der HSM-Name',
  'name.subject.key': 'Der Schlüsselname',
  'name.subject.resourceGroup': 'Der Name der Ressourcengruppe',
  'name.subject.policy': 'Der Richtlinienname',
  'name.subject.mailbox': 'Das Postfach',
  'name.unsafe': '{subject} {problem}.',
  'name.rule.vault':
    'Tresornamen haben {min}–{max} Zeichen: Buchstaben, Ziffern und Bindestriche, beginnen mit einem Buchstaben, enden mit Buchstabe oder Ziffer, ohne zwei Bindestriche hintereinander',
  'name.rule.hsm':
    'HSM-Namen haben {min}–{max} Zeichen: Buchstaben, Ziffern und Bindestriche, beginnen mit einem Buchstaben, enden mit Buchstabe oder Ziffer, ohne zwei Bindestriche hintereinander (Keyward wendet die Key Vault-Regel auf HSM-Namen an)',
  'name.vault.empty': 'Geben Sie einen Tresornamen ein. {rule}.',
  'name.hsm.empty': 'Geben Sie einen HSM-Namen ein. {rule}.',
  'name.container.underscore':
    '{subject} {value} enthält einen Unterstrich, den Azure ablehnt (die Customer Key-Beispiele von Microsoft selbst verwenden Unterstriche, aber sie funktionieren nicht). {rule}. Versuchen Sie {suggestion}.',
  'name.badCharacters': '{subject} {value} enthält {characters}. {rule}. Versuchen Sie {suggestion}.',
  'name.length': '{subject} {value} hat {length} Zeichen. {rule}.',
  'name.start': '{subject} {value} muss mit einem Buchstaben beginnen. {rule}.',
  'name.end': '{subject} {value} muss mit einem Buchstaben oder einer Ziffer enden. {rule}.',
  'name.doubleHyphen': '{subject} {value} hat zwei Bindestriche hintereinander. {rule}.',
  'name.rule.key': 'Schlüsselnamen haben 1–{max} Zeichen: nur Buchstaben, Ziffern und Bindestriche',
  'name.key.empty': 'Geben Sie einen Schlüsselnamen ein. {rule}.',
  'name.key.underscore':
    'Der Schlüsselname {value} enthält einen Unterstrich, den Key Vault ablehnt (Beispiele von Microsoft wie {example} funktionieren nicht). {rule}. Versuchen Sie {suggestion}.',
  'name.key.characters': 'Der Schlüsselname {value} enthält andere Zeichen als Buchstaben, Ziffern und Bindestriche. {rule}. Versuchen Sie {suggestion}.',
  'name.tooLong': '{subject} hat {length} Zeichen. {rule}.',
  'name.rule.resourceGroup': 'Namen von Ressourcengruppen haben 1–90 Zeichen: Buchstaben, Ziffern, Unterstriche, Bindestriche, Punkte und Klammern, nicht mit einem Punkt am Ende',
  'name.resourceGroup.empty': 'Geben Sie einen Namen für die Ressourcengruppe ein. {rule}.',
  'name.contains': 'Der Name der Ressourcengruppe {value} enthält {characters}. {rule}.',
  'name.resourceGroup.period': 'Der Name der Ressourcengruppe {value} endet mit einem Punkt. {rule}.',
  'name.subscription.empty': 'Geben Sie die Abonnement-ID ein (eine GUID wie {example}, im Azure-Portal unter „Abonnements“).',
  'name.subscription.invalid': '{value} ist keine Abonnement-ID. Kopieren Sie die Abonnement-ID (eine GUID) aus dem Azure-Portal, nicht den Namen des Abonnements.',
  'name.tenant.invalid': '{value} ist keine Mandanten-ID. Verwenden Sie die Microsoft Entra-Mandanten-ID (eine GUID) der Microsoft 365-Organisation.',
  'name.role.identity': 'Identität',
  'name.objectId.empty': 'Geben Sie die Objekt-ID ein (Rolle: {role}; eine GUID aus Microsoft Entra ID: Benutzer oder Unternehmensanwendungen → Objekt-ID).',
  'name.objectId.invalid': '{value} ist keine Objekt-ID. Geben Sie die Objekt-ID aus Microsoft Entra ID ein (Rolle: {role}; eine GUID), keinen Namen und keine E-Mail-Adresse.',
  'name.objectId.clientId':
    '{value} ist die Anwendungs-ID (Client-ID) von {name}, keine Objekt-ID. Azure weist Rollen der Objekt-ID (auch Prinzipal-ID) der Identität in Ihrem Mandanten zu; eine Client-ID benennt die App-Registrierung, daher würde Azure sie ablehnen oder nichts gewähren. Verwenden Sie die Objekt-ID unter „Unternehmensanwendungen“ (oder die Prinzipal-ID der verwalteten Identität).',
  'name.rule.policy': 'Richtliniennamen haben 1–64 Zeichen: Buchstaben, Ziffern, Punkte, Unterstriche und Bindestriche, keine Leerzeichen',
  'name.policy.empty': 'Geben Sie einen Richtliniennamen ein. {rule}.',
  'name.policy.space': 'Der Richtlinienname {value} enthält ein Leerzeichen; Microsoft 365 erlaubt keine Leerzeichen in DEP-Namen. {rule}. Versuchen Sie {suggestion}.',
  'name.policy.characters': 'Der Richtlinienname {value} enthält Zeichen, die Keyward nicht zulässt. {rule}.',
  'name.subject.officerName': 'Der Anzeigename der verantwortlichen Person',
  'name.subject.depDescription': 'Die Beschreibung der Richtlinie',
  'name.officerName.empty': 'Geben Sie den Anzeigenamen der verantwortlichen Person ein.',
  'name.depDescription.empty': 'Geben Sie die Beschreibung der Richtlinie ein.',
  'name.freeText.tooLong': '{subject} hat {length} Zeichen; die Grenze ist {max}.',
  'name.mailbox.empty': 'Geben Sie ein Postfach ein: seine primäre E-Mail-Adresse oder seinen Benutzerprinzipalnamen.',
  'name.mailbox.tooLong': 'Die Postfachidentität ist länger als 320 Zeichen; verwenden Sie die primäre E-Mail-Adresse.',
  'name.mailbox.invalid':
    '{value} ist keine Postfachidentität, die Keyward annimmt. Verwenden Sie die primäre E-Mail-Adresse oder den Benutzerprinzipalnamen des Postfachs (zum Beispiel {example}), seine GUID oder seinen Alias.',
  'name.adminUrl.invalid': '{value} ist keine SharePoint-Admin-URL. Verwenden Sie die Adresse des Admin Centers der Geo, zum Beispiel {example} (Multi-Geo: {multiGeo}).',
  'name.keyVersion.invalid': '{value} ist keine Schlüsselversion. Eine Version sind die 32 Hexadezimalzeichen am Ende der Schlüsselkennung ({form}).',
  'name.unsafe.smartQuote':
    'enthält das typografische Anführungszeichen {character} ({code}), das PowerShell als Anführungszeichen behandelt; tippen Sie stattdessen ein gerades Apostroph (U+0027) oder entfernen Sie es',
  'name.unsafe.control': 'enthält ein unsichtbares oder Steuerzeichen ({code}), etwa einen Zeilenumbruch oder eine Richtungsumkehr; geben Sie den Wert ohne es erneut ein',
  'spec.protection.empty': 'Wählen Sie, wo die Schlüssel liegen: Key Vault Premium oder Managed HSM.',
  'spec.protection.unknown': '{value} ist keine Auswahl, die Keyward kennt. Wählen Sie Key Vault Premium (keyVaultPremium) oder Managed HSM (managedHsm).',
  'spec.workloads.empty': 'Wählen Sie mindestens eine Workload: Multi-Workload (ganzer Mandant), Exchange-Postfächer oder SharePoint/OneDrive/Teams-Dateien.',
  'spec.workloads.unknown': 'Keyward kennt {values} nicht. Wählen Sie aus multiWorkload, exchange und sharePoint.',
  'spec.region.empty': 'Wählen Sie die Azure-Region für Standort {site} (Schlüssel {site}).',
  'spec.region.unknownForSubscriptions':
    '{value} ist keine Azure-Region, die Keyward für diese Abonnements kennt. Verwenden Sie den Namen der Region wie im Portal, zum Beispiel West Europe (westeurope).',
  'spec.region.unknown': '{value} ist keine Azure-Region, die Keyward kennt. Verwenden Sie den Namen der Region wie im Portal, zum Beispiel West Europe (westeurope).',
  'spec.subscription.same':
    'Standort B muss ein anderes Abonnement als Standort A verwenden: Customer Key verlangt die beiden Schlüssel jeder Richtlinie in zwei verschiedenen Azure-Abonnements (Microsoft empfiehlt zwei neue, nur für Customer Key genutzte Abonnements, die von verschiedenen Personen verwaltet werden).',
  'spec.region.paired':
    '{a} und {b} sind ein Azure-Regionspaar. Das ist erlaubt, aber Microsoft empfiehlt zwei nicht gepaarte Regionen, was vier Verfügbarkeitsregionen statt zwei ergibt.',
  'spec.region.noHsm': 'Managed HSM wird in {region} für dieses Abonnement nicht angeboten. Wählen Sie eine Region, in der Managed HSM verfügbar ist.',
  'spec.region.hsmUnlisted':
    '{region} steht nicht auf der vorsichtigen Liste von Managed HSM-Regionen in Keyward. Es kann funktionieren, aber das Anlegen kann mit „{azureError}“ fehlschlagen; die Vorabprüfung prüft die tatsächliche Liste des Abonnements.',
  'spec.keySize.invalid':
    '{value} ist keine Schlüsselgröße, die Customer Key verwenden kann. Wählen Sie 3072 (empfohlen), 4096 oder 2048 Bit; Schlüssel sind immer RSA und HSM-geschützt.',
  'spec.keySize.small': '2048-Bit-Schlüssel sind erlaubt, aber die Azure-Empfehlung für Verschlüsselung ruhender Daten ist 3072 oder 4096 Bit. Keyward empfiehlt 3072.',
  'spec.accessModel.ignored': 'Das Zugriffsmodell gilt nur für Key Vault; ein Managed HSM verwendet immer seine lokale RBAC, daher wird dieser Wert ignoriert.',
  'spec.accessModel.invalid': '{value} ist kein Zugriffsmodell. Wählen Sie Azure RBAC (rbac) oder Zugriffsrichtlinien (accessPolicy).',
  'spec.vault.owner': '{workload} an Standort {site}',
  'spec.vault.duplicate':
    'Der Tresorname {value} wird bereits für {owner} verwendet. Jede Workload braucht in jedem Abonnement ihren eigenen Tresor (ein Tresor pro Workload und Abonnement), und Tresornamen sind global; wählen Sie daher einen anderen Namen.',
  'spec.hsm.sameName': 'HSM B braucht einen eigenen Namen: {value} gehört bereits HSM A. Customer Key verwendet zwei HSMs, eines pro Abonnement, und HSM-Namen sind global.',
  'spec.key.duplicate':
    'Der Schlüsselname {value} wird bereits für {workload} in HSM {site} verwendet. Jede Workload braucht ihren eigenen Schlüssel; Schlüsselnamen in einem HSM sind unabhängig von Groß- und Kleinschreibung eindeutig.',
  'spec.admins.empty':
    'Nennen Sie mindestens eine anfängliche administrative Person per Entra-Objekt-ID. Nur anfängliche Administratoren können das HSM aktivieren und seine Sicherheitsdomäne verwalten; Keyward fügt seine eigene Identität hinzu, weil es die Aktivierung ausführt.',
  'name.role.initialAdministrator': 'anfänglicher Administrator',
  'spec.admins.twice': '{value} ist doppelt aufgeführt; führen Sie jede administrative Person einmal auf.',
  'spec.retention.invalid':
    'Die Aufbewahrung nach vorläufigem Löschen muss eine ganze Zahl von Tagen zwischen {min} und {max} sein (sie wird beim Anlegen des HSM festgelegt). Keyward empfiehlt 90.',
  'spec.retention.short':
    'Mit {days} Tagen melden Schlüssel {customized} statt des von Customer Key dokumentierten {documented}; die Validierung von Microsoft kann das ablehnen, und der Wert lässt sich später nicht ändern. Keyward empfiehlt 90.',
  'name.role.officer': 'Verantwortliche der Sicherheitsdomäne',
  'spec.officers.chosenTwice': '{id} ist doppelt gewählt. Jeder Anteil der Sicherheitsdomäne muss von einer anderen Person gehalten werden.',
  'spec.officers.notFound': 'Keyward konnte {id} in Ihrem Verzeichnis nicht finden. Wählen Sie die verantwortliche Person erneut aus der Liste.',
  'spec.officers.twice':
    'Diese Person ist bereits in einer früheren Zeile als Verantwortliche eingetragen. Jeder Anteil der Sicherheitsdomäne muss von einer anderen Person gehalten werden.',
  'spec.officers.tooFew':
    'Nennen Sie mindestens {min} Verantwortliche der Sicherheitsdomäne (Sie haben {count}). Die Aktivierung braucht {min}–{max} Umschließungsschlüssel, jeder offline bei einer anderen Person.',
  'spec.officers.tooMany': 'Nennen Sie höchstens {max} Verantwortliche der Sicherheitsdomäne (Sie haben {count}).',
  'spec.quorum.invalid': 'Das Quorum muss eine ganze Zahl von {min} bis {max} sein: wie viele Verantwortliche zusammenkommen müssen, um die Sicherheitsdomäne wiederherzustellen.',
  'spec.quorum.tooLarge':
    'Das Quorum ({quorum}) ist größer als die Zahl der Verantwortlichen ({count}), daher ließe sich die Sicherheitsdomäne nie wiederherstellen. Wählen Sie ein Quorum von {min} bis {count} oder nennen Sie weitere Verantwortliche.',
  'spec.quorum.small': 'Microsoft empfiehlt ein Quorum von mindestens 3, gehalten von verschiedenen Personen an verschiedenen Orten.',
  'spec.quorum.equal':
    'Das Quorum entspricht der Zahl der Verantwortlichen: Geht der Schlüssel auch nur einer Person verloren, lässt sich die Sicherheitsdomäne nicht mehr wiederherstellen. Erwägen Sie mehr Verantwortliche als das Quorum.',
  'spec.costAcknowledged': 'Bestätigen Sie den Hinweis zur Abrechnung, um fortzufahren: „{acknowledgment}“',
  'name.role.custodian': 'Verwahrer von Schlüssel {site}',
  'spec.custodians.missing': 'Nennen Sie mindestens einen Verwahrer für Schlüssel {site}: Die Genehmigungsrichtlinie verlangt getrennte Verwahrer für jeden Schlüssel.',
  'spec.custodians.bothRequired':
    '{people} {count, plural, one {ist Verwahrer} other {sind Verwahrer}} beider Schlüssel. Die Genehmigungsrichtlinie verlangt Aufgabentrennung: Niemand darf Änderungen an Schlüssel A und Schlüssel B genehmigen.',
  'spec.custodians.both':
    '{people} {count, plural, one {ist Verwahrer} other {sind Verwahrer}} beider Schlüssel. Microsoft empfiehlt, dass verschiedene Personen jeden Schlüssel verwalten, damit niemand allein auf beide einwirken kann.',
  'spec.custodians.none':
    'Es sind keine Schlüsselverwahrer genannt. Microsoft empfiehlt, dass verschiedene Personen Schlüssel A und Schlüssel B verwalten; nennen Sie sie hier, damit die Genehmigungen es durchsetzen können.',
};
