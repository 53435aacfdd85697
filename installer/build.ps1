# Build PNAE Desktop on Windows: the PyInstaller bundle, then (optionally) the Inno Setup installer.
#
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 [-OutDir dist\pnae-desktop] [-Python py] [-Installer]
#
# -OutDir     the bundle folder to create ("PNAE Desktop.exe", "pnae-desktop-cli.exe", _internal\)
# -Python     the Python that has the app's dependencies and PyInstaller (default: .venv\Scripts\python.exe, else python)
# -Installer  also compile installer\pnae-desktop.iss with ISCC (Inno Setup 6.3+), version from pnae_desktop.__version__
# -Iscc       path to ISCC.exe (default: ISCC on PATH, else the usual per-user and Program Files locations)
param(
    [string]$OutDir = "",
    [string]$Python = "",
    [switch]$Installer,
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$Root = Split-Path -Parent $Here
if (-not $OutDir) { $OutDir = Join-Path $Root "dist\pnae-desktop" }
$OutDir = [System.IO.Path]::GetFullPath($OutDir)
$Work = Join-Path $Root "build\pyinstaller"

if (-not $Python) {
    $venv = Join-Path $Root ".venv\Scripts\python.exe"
    $Python = if (Test-Path $venv) { $venv } else { "python" }
}
# (no stderr redirection: with ErrorActionPreference=Stop, Windows PowerShell 5.1 turns it into an error)
& $Python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('PyInstaller') is None)"
if ($LASTEXITCODE -ne 0) {
    throw "PyInstaller is not installed for ${Python}: $Python -m pip install `"pyinstaller>=6.10,<7`""
}

if ((Test-Path $OutDir) -and (Get-ChildItem $OutDir -Force | Select-Object -First 1) -and -not (Test-Path (Join-Path $OutDir "_internal"))) {
    throw "$OutDir exists and is not a previous bundle; not touching it"
}

$initPy = Get-Content (Join-Path $Root "pnae_desktop\__init__.py") -Raw -Encoding UTF8
if ($initPy -notmatch '__version__\s*=\s*"([^"]+)"') { throw "no __version__ in pnae_desktop\__init__.py" }
$Version = $Matches[1]

$timer = [System.Diagnostics.Stopwatch]::StartNew()
$Stage = Join-Path $Work "dist"
if (Test-Path $Stage) { Remove-Item -Recurse -Force $Stage }
Write-Host "== PyInstaller: PNAE Desktop $Version"
& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath $Stage --workpath $Work (Join-Path $Here "pnae-desktop.spec")
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed ($LASTEXITCODE)" }
if (Test-Path $OutDir) { Remove-Item -Recurse -Force $OutDir }
New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutDir) | Out-Null
Move-Item (Join-Path $Stage "pnae-desktop") $OutDir

$bytes = (Get-ChildItem $OutDir -Recurse -File | Measure-Object -Property Length -Sum).Sum
Write-Host ("== bundle: {0}  ({1:N1} MB unpacked, {2:N0} s)" -f $OutDir, ($bytes / 1e6), $timer.Elapsed.TotalSeconds)

# Quick check: the console executable answers (the windowed one has no console to print to).
& (Join-Path $OutDir "pnae-desktop-cli.exe") --version
if ($LASTEXITCODE -ne 0) { throw "pnae-desktop-cli.exe --version failed" }

if ($Installer) {
    if (-not $Iscc) {
        $cmd = Get-Command ISCC.exe -ErrorAction SilentlyContinue
        $candidates = @(
            $(if ($cmd) { $cmd.Source }),
            (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe"),
            (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
            (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe")
        ) | Where-Object { $_ -and (Test-Path $_) }
        if (-not $candidates) { throw "ISCC.exe (Inno Setup 6) not found; pass -Iscc C:\path\to\ISCC.exe" }
        $Iscc = @($candidates)[0]
    }
    Write-Host "== Inno Setup: $Iscc"
    & $Iscc "/DAppVersion=$Version" "/DBundleDir=$OutDir" "/O$(Join-Path $Root 'dist')" (Join-Path $Here "pnae-desktop.iss")
    if ($LASTEXITCODE -ne 0) { throw "ISCC failed ($LASTEXITCODE)" }
    Write-Host "== installer: $(Join-Path $Root "dist\PNAE-Desktop-$Version-installation.exe")"
}
