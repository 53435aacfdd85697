; Inno Setup 6 (6.3 or later; Inno Setup 7 compiles it too) script for PNAE Desktop.
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\pnae-desktop.spec
;   ISCC /DAppVersion=0.1.0 installer\pnae-desktop.iss
;
; gives dist\PNAE-Desktop-<version>-installation.exe. installer\build.ps1 runs both and passes the
; version from pnae_desktop.__version__. Defines that can be given on the ISCC command line:
;   /DAppVersion=X.Y.Z   version shown and recorded (default: the ProductVersion of the bundled exe,
;                        which the PyInstaller spec sets from pnae_desktop.__version__)
;   /DBundleDir=PATH     the PyInstaller one-folder bundle (default: ..\dist\pnae-desktop)
;
; Per-user install, no administrator rights: {autopf} is {userpf} (%LOCALAPPDATA%\Programs), and
; the .prae association is written under HKCU\Software\Classes. The installer never uses the
; network. Uninstalling removes the program only: the user's data (under %APPDATA%, written by
; the app through platformdirs) is kept.

#define AppName "PNAE Desktop"
#define AppExeName "PNAE Desktop.exe"
#define CliExeName "pnae-desktop-cli.exe"
#define AppPublisher "PNAE Desktop"
#define ProgId "PNAEDesktop.prae"

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\pnae-desktop"
#endif
#if !FileExists(AddBackslash(BundleDir) + AppExeName)
  #error The PyInstaller bundle was not found (BundleDir). Build it first: see installer\README.md
#endif
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(AddBackslash(BundleDir) + AppExeName, "ProductVersion")
#endif
#if AppVersion == ""
  #error No version: pass /DAppVersion=X.Y.Z to ISCC
#endif

[Setup]
; AppId identifies the application for upgrades and uninstall: never change it.
AppId={{729F7EF7-7792-47B4-BABF-BB8D97F43016}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Licence MIT
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription=Installation de {#AppName}
; Per-user, without administrator rights ({autopf} = {userpf} in this mode).
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile=icon\pnae-desktop.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
RestartApplications=no
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\dist
OutputBaseFilename=PNAE-Desktop-{#AppVersion}-installation

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Messages]
ConfirmUninstall=Voulez-vous vraiment désinstaller %1 ?%n%nVos données (PRAE, budgets, conventions) ne seront pas supprimées : elles restent dans votre profil Windows et seront retrouvées si vous réinstallez %1.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: no module of an older version may be left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{userdocs}"; Comment: "Rédiger, budgéter et conventionner le PRAE"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; .prae files open in PNAE Desktop (per user: HKCU\Software\Classes).
Root: HKCU; Subkey: "Software\Classes\.prae"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.prae\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "PRAE (PNAE Desktop)"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"",0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: ".prae"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for user data, on purpose: the data folder is the user's, not the program's.

[Code]
function UserDataDir(): String;
begin
  { platformdirs.user_data_dir("PNAE Desktop", "PNAE Desktop", roaming=True) }
  Result := ExpandConstant('{userappdata}\PNAE Desktop');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent()) and DirExists(UserDataDir()) then
    MsgBox('PNAE Desktop a été désinstallé. Vos données ont été conservées dans le dossier :' + #13#10#13#10 +
      UserDataDir() + #13#10#13#10 +
      'Elles seront retrouvées si vous réinstallez PNAE Desktop. ' +
      'Si vous n''en avez plus besoin, vous pouvez supprimer ce dossier vous-même (après en avoir fait une copie de sauvegarde).',
      mbInformation, MB_OK);
end;
