import * as vscode from 'vscode';
import { settingDefaults, type KindlingSettings } from './settings';

export function getSetting<K extends keyof KindlingSettings>(key: K, scope?: vscode.ConfigurationScope): KindlingSettings[K] {
  return vscode.workspace.getConfiguration('kindling', scope).get<KindlingSettings[K]>(key, settingDefaults[key]);
}
