import type { PLAN_EN } from './planEn';

/** Plan sentences, German (see planEn.ts). Cards show them only where the English equals what the plan keeps. */
export const PLAN_DE: Readonly<Record<keyof typeof PLAN_EN, string>> = {
  'dep.name.multiWorkload': 'Multi-Workload-DEP „{name}“',
  'dep.name.exchange': 'Exchange-Postfach-DEP „{name}“',
  'dep.name.sharePoint': 'SharePoint-DEP von {adminUrl}',
  'cost.keyVaultPremium':
    'Key Vault Premium rechnet pro Vorgang ab, dazu monatlich pro HSM-geschütztem Schlüssel; Microsoft 365 speichert Schlüssel zwischen, daher gibt es wenige Vorgänge. Siehe die Preisseite von Key Vault.',
  'cost.managedHsmHourly': 'Jedes Managed HSM kostet ab der Bereitstellung (auch vor der Aktivierung) eine feste Stundengebühr, ob es genutzt wird oder nicht.',
  'cost.managedHsmSoftDeleted':
    'Ein gelöschtes Managed HSM wird im vorläufig gelöschten Zustand weiter abgerechnet, bis es endgültig gelöscht ist; mit Löschschutz ist das vor Ende der Aufbewahrungszeit nicht möglich, Sie zahlen also die ganze Aufbewahrungszeit.',
  'cost.managedHsmPair': 'Customer Key braucht zwei HSMs, die Stundengebühr fällt also doppelt an.',
  'cost.managedHsmPrice': 'Keyward nennt keinen Preis (UNCONFIRMED); sehen Sie auf der Azure-Preisseite für Ihre Region nach.',
  'cost.teardownBillingUntilPurge':
    'Die Abrechnung eines Managed HSM endet erst, wenn seine endgültige Löschung abgeschlossen ist; ein deaktiviertes Abonnement blockiert die endgültige Löschung, während die Abrechnung weiterläuft.',
  'availabilityKey.what':
    'Neben Ihren zwei Schlüsseln hat jede Datenverschlüsselungsrichtlinie einen dritten Stammschlüssel, den Verfügbarkeitsschlüssel. Microsoft erstellt und verwahrt ihn; Sie können ihn weder sehen noch verwenden noch wechseln.',
  'availabilityKey.whenUsed':
    'Microsoft verwendet ihn nur, um Daten verfügbar zu halten, wenn keiner Ihrer Schlüssel aus einem anderen Grund als Ihrer bewussten Handlung erreichbar ist (ein Ausfall), und um auf Ihren Wunsch Daten wiederherzustellen, wenn Sie beide Schlüssel verlieren. Entziehen Sie den Zugriff auf Ihre Schlüssel absichtlich, greift Exchange nicht auf ihn zurück.',
  'availabilityKey.roll':
    'Ein Wechsel von Schlüssel A oder B berührt den Verfügbarkeitsschlüssel nie: Microsoft wechselt ihn. Eine neue Exchange-Postfachrichtlinie erhält einen neuen Verfügbarkeitsschlüssel; SharePoint wechselt stattdessen seinen Zwischenschlüssel, wenn eine neue Richtlinie registriert wird.',
  'plan.step.resourceGroup': 'Sicherstellen, dass die Ressourcengruppe {resourceGroup} im Abonnement {subscriptionId} ({region}) existiert.',
  'plan.step.vaultRbac': 'Key Vault {vault} (Premium, {region}) für {workload} anlegen: vorläufiges Löschen {days} Tage, Löschschutz an, Azure RBAC.',
  'plan.step.vaultPolicies':
    'Key Vault {vault} (Premium, {region}) für {workload} anlegen: vorläufiges Löschen {days} Tage, Löschschutz an, Zugriffsrichtlinien; Keyward erhält {permissions} auf Schlüssel (kein Löschen).',
  'plan.step.keywardCustomRole':
    'Der Schreibidentität von Keyward {role} auf Tresor {vault} geben, damit sie den Schlüssel anlegen und sichern kann (kein Löschen, keine endgültige Löschung).',
  'plan.step.vaultPoliciesReader':
    'Key Vault {vault} (Premium, {region}) für {workload} anlegen: vorläufiges Löschen {days} Tage, Löschschutz an, Zugriffsrichtlinien; Keyward erhält {permissions} auf Schlüssel (kein Löschen), seine Leseidentität {readerPermissions}.',
  'plan.step.readerRole': 'Der Leseidentität von Keyward {role} auf Tresor {vault} geben, damit Prüfungen den Schlüssel ohne die Rechte der Schreibidentität lesen.',
  'plan.step.hsmReaderRole':
    'Der Leseidentität von Keyward {role} auf die Schlüssel des HSM {hsm} geben, damit Prüfungen Schlüssel und ihre Rollenzuweisungen ohne die Rechte der Schreibidentität lesen.',
  'plan.step.keywardRole': 'Der Schreibidentität von Keyward {role} auf Tresor {vault} geben, damit sie den Schlüssel anlegen und sichern kann.',
  'plan.step.serviceRole': '{principal} die Rolle {role} auf Tresor {vault} geben.',
  'plan.step.servicePolicy': '{principal} get, wrapKey und unwrapKey auf die Schlüssel von Tresor {vault} geben (Zugriffsrichtlinie).',
  'plan.step.key': 'Schlüssel {key} in {kind, select, vault {Tresor} other {HSM}} {container} anlegen: RSA-HSM {size} Bit, nur wrapKey und unwrapKey, ohne Ablaufdatum.',
  'plan.step.backupAgain': 'Schlüssel {key} erneut sichern, jetzt mit seiner neuen Version.',
  'plan.step.backup': 'Schlüssel {key} am konfigurierten Sicherungsort sichern (nie im Chat).',
  'plan.step.hsm':
    'Managed HSM {hsm} in {region} mit {admins} anfänglichen Administratoren (einschließlich Keyward), {days} Tagen vorläufigem Löschen und Löschschutz anlegen; die stündliche Abrechnung beginnt jetzt. Dauert etwa 25 Minuten.',
  'plan.step.activate':
    'HSM {hsm} aktivieren: {officers} Verantwortliche reichen je ein öffentliches Zertifikat ein, Keyward lädt die Sicherheitsdomäne mit Quorum {quorum} herunter und speichert sie verschlüsselt.',
  'plan.step.hsmKeywardRole':
    'Die benutzerdefinierte Rolle {role} im HSM {hsm} anlegen und der Schreibidentität von Keyward auf die Schlüssel geben: Schlüssel lesen, anlegen und sichern; kein Löschen, keine endgültige Löschung.',
  'plan.step.hsmServiceRole': '{principal} {role} nur auf Schlüssel {key} geben (Bereich {scope}).',
  'plan.step.revokeAdmin':
    'Die eigene Rolle {role} von Keyward im HSM {hsm} entfernen; {count, plural, one {# menschliche administrative Person behält} other {# menschliche Administratoren behalten}} sie.',
  'plan.step.verifyRoll': 'Die neue Version von {key} gegen die Customer Key-Regeln prüfen.',
  'plan.step.verifyDep': 'Beide Schlüssel gegen die Customer Key-Regeln prüfen, bevor die Richtlinie angelegt wird.',
  'plan.step.verify':
    'Jeden Schlüssel gegen die Customer Key-Regeln prüfen (RSA, wrapKey/unwrapKey, aktiviert, kein Ablaufdatum, Wiederherstellungsstufe, Löschschutz, Berechtigungen, Sicherung, zwei Abonnements und Regionen).',
  'plan.step.roll':
    'Eine neue Version von Schlüssel {key} in {kind, select, vault {Tresor} other {HSM}} {container} anlegen (RSA-HSM {size} Bit, wrapKey/unwrapKey, kein Ablaufdatum); ältere Versionen bleiben aktiviert.',
  'plan.step.refreshSharePoint':
    'Eine Person aus dem Betrieb führt Update-SPODataEncryptionPolicy -KeyType {keyType} für {adminUrl} mit der neuen Version aus und wartet dann auf Registered, bevor ein weiterer Wechsel folgt.',
  'plan.step.refreshByKeyward': 'Keyward führt {cmdlet} -Identity {name} -Refresh aus.',
  'plan.step.refreshByOperator': 'Eine Person aus dem Betrieb führt {cmdlet} -Identity {name} -Refresh aus.',
  'plan.step.scriptTitle': '{title}',
  'plan.step.applyByKeywardLeftOut': 'Keyward führt das erzeugte Skript mit seiner verwalteten Identität aus: {title}. {leftOut}',
  'plan.step.applyByKeyward': 'Keyward führt das erzeugte Skript mit seiner verwalteten Identität aus: {title}.',
  'plan.step.applyByOperatorOnboarding': 'Eine Person aus dem Betrieb führt das erzeugte Skript aus: {title} (zuerst die Onboarding-Validierung).',
  'plan.step.applyByOperator': 'Eine Person aus dem Betrieb führt das erzeugte Skript aus: {title}.',
  'plan.step.recordRoll': 'Den aktualisierten Richtlinienzustand aus der eingefügten Get-Ausgabe erfassen.',
  'plan.step.record': 'Den Richtlinienzustand aus der eingefügten Get-Ausgabe erfassen.',
  'plan.step.delete': '{kind, select, managedHsm {Managed HSM} other {Tresor}} {name} ({resourceId}) löschen; er bleibt {days} Tage vorläufig gelöscht und wiederherstellbar.',
  'plan.step.purgeLater':
    '{kind, select, managedHsm {Managed HSM} other {Tresor}} {name} endgültig löschen, sobald seine Aufbewahrung von {days} Tagen vorbei ist (mit Löschschutz lehnt Azure es früher ab; Azure löscht ihn dann auch selbst endgültig).',
  'plan.step.purgeNow': '{kind, select, managedHsm {Managed HSM} other {Tresor}} {name} in {region} direkt nach dem Löschen endgültig löschen.',
  'plan.title.premium': 'Customer Key auf Key Vault Premium: {count} Tresore für {workloads}',
  'plan.irreversible.premiumPurgeProtection':
    'Der Löschschutz wird für alle {count} Tresore eingeschaltet: Er lässt sich nie wieder ausschalten, und ein gelöschter Tresor mit seinen Schlüsseln kann erst nach Ende seiner Aufbewahrung von {days} Tagen endgültig gelöscht werden.',
  'plan.irreversible.premiumNames':
    'Tresornamen, Regionen und Aufbewahrung lassen sich nach dem Anlegen nicht ändern; ein Tresor kann nicht in eine andere Region umziehen, und sein Name bleibt reserviert, solange er vorläufig gelöscht ist.',
  'plan.irreversible.neverDeleteUsedKey':
    'Löschen oder deaktivieren Sie nie einen Schlüssel (oder eine alte Schlüsselversion), den eine Datenverschlüsselungsrichtlinie verwendet hat: Damit umschlossene Daten werden unlesbar.',
  'plan.rights.vaultPolicy':
    'Auf jedem Tresor: eine Zugriffsrichtlinie mit den Schlüsselrechten {permissions} — Schlüssel lesen, anlegen (und wechseln) und sichern; kein Löschen, keine endgültige Löschung, keine Änderung von Berechtigungen.',
  'plan.rights.vaultCustomRole':
    'Auf jedem Tresor: {role} (benutzerdefinierte Rolle aus {folder}) — Schlüssel lesen, anlegen (und wechseln) und sichern; kein Löschen, keine endgültige Löschung.',
  'plan.rights.vaultCryptoOfficer':
    'Auf jedem Tresor: {role}, was das Löschen und endgültige Löschen von Schlüsseln einschließt, weil {setting} nicht gesetzt ist. Stellen Sie {file} bereit und setzen Sie die Einstellung, um diese Rechte abzugeben; der Löschschutz verhindert trotzdem eine endgültige Löschung vor Ende der Aufbewahrungszeit.',
  'plan.rights.premiumResourceGroups':
    'Auf den Ressourcengruppen: die Rollen, die eine administrative Person aus {file} gewährt hat (Tresore anlegen, Schlüsselrollen zuweisen); der Rückbau braucht sie unter der Genehmigungsregel für zerstörende Änderungen.',
  'plan.title.hsm': 'Customer Key auf Managed HSM: 2 HSMs für {workloads}',
  'plan.irreversible.hsmBilling': 'Jedes Managed HSM wird ab der Bereitstellung stündlich abgerechnet; Löschen beendet die Abrechnung erst mit der endgültigen Löschung.',
  'plan.irreversible.hsmPurgeProtection':
    'Der Löschschutz wird für beide HSMs eingeschaltet: Er lässt sich nie wieder ausschalten, und ein gelöschtes HSM kann {days} Tage lang nicht endgültig gelöscht werden und wird in dieser Zeit weiter abgerechnet.',
  'plan.irreversible.hsmMove':
    'Ein Managed HSM kann nicht in eine andere Ressourcengruppe, ein anderes Abonnement oder eine andere Region verschoben werden, und seine Aufbewahrungszeit lässt sich nicht ändern.',
  'plan.irreversible.hsmSecurityDomain':
    'Gehen die Datei der Sicherheitsdomäne und die privaten Schlüssel von {quorum} der {officers} Verantwortlichen verloren, kann das HSM nach einem Notfall nicht wiederhergestellt werden; Microsoft kann nicht helfen.',
  'plan.rights.hsmRole':
    'In jedem HSM: {role} auf die Schlüssel — Schlüssel lesen, anlegen (und wechseln) und sichern, Rollenzuweisungen lesen; kein Löschen, keine endgültige Löschung, keine Rollenverwaltung.',
  'plan.rights.hsmGivesUpAdmin':
    'Keyward gibt {role} nach der Aktivierung ab; {count, plural, one {Ihre # administrative Person behält} other {Ihre # Administratoren behalten}} die Rolle (und nur sie können Keyward mehr geben, zum Beispiel Schlüssel für eine neue Workload).',
  'plan.rights.hsmStaysAdmin':
    'Keyward bleibt {role} und kann sich damit jede Rolle selbst geben, auch das Löschen von Schlüsseln, weil keine andere administrative Person genannt wurde. Nennen Sie eine Person als anfänglichen Administrator, um das zu vermeiden.',
  'plan.rights.hsmResourceGroups': 'Auf den Ressourcengruppen: {role}, gewährt aus {file} (der Rückbau braucht sie unter der Genehmigungsregel für zerstörende Änderungen).',
  'plan.title.roll': 'Schlüssel {site} ({key}) von {workload} wechseln',
  'plan.cost.rollVault': 'Eine neue HSM-geschützte Schlüsselversion kann die monatliche Gebühr pro Schlüssel erhöhen; siehe die Preisseite von Key Vault.',
  'plan.title.teardown': '{names} entfernen',
  'plan.irreversible.purgeDestroysKeys':
    'Das endgültige Löschen von {kind, select, managedHsm {Managed HSM} other {Tresor}} {name} vernichtet seine Schlüssel ({keys}) für immer; alles, was noch mit ihnen umschlossen ist, wird unlesbar.',
  'plan.irreversible.purgeDestroysNoKeys':
    'Das endgültige Löschen von {kind, select, managedHsm {Managed HSM} other {Tresor}} {name} vernichtet seine Schlüssel (keine aufgeführt) für immer; alles, was noch mit ihnen umschlossen ist, wird unlesbar.',
  'plan.cost.hsmUntilPurgeDays': 'Managed HSM {name} wird nach dem Löschen {days} Tage lang weiter stündlich abgerechnet, bis die endgültige Löschung abgeschlossen ist.',
  'plan.cost.hsmUntilPurge': 'Managed HSM {name} wird weiter stündlich abgerechnet, bis die endgültige Löschung abgeschlossen ist.',
  'plan.cost.keepEnabled': 'Lassen Sie die Abonnements aktiviert, bis jede endgültige Löschung abgeschlossen ist: Ein deaktiviertes Abonnement lehnt die endgültige Löschung ab.',
  'plan.cost.retentionPurge':
    'Mit registrierter verpflichtender Aufbewahrungsfrist kann Azure eine endgültige Löschung durch den Kunden ablehnen; der Dienst entfernt die Ressource dann nach eigenem Zeitplan.',
};
