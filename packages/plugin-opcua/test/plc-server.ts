// A simulated PLC for the opcua plugin's tests: node-opcua's own server on loopback with a temperature
// tag, a writable setpoint, a pressure tag (threshold rule), integer tags and a native alarm condition.
// It can be stopped and started again on the same port (a PLC reboot).
import serverLib from 'node-opcua-server';
import clientLib from 'node-opcua-client';
import certLib from 'node-opcua-certificate-manager';

const { OPCUAServer } = serverLib;
const { DataType, VariantArrayType, MessageSecurityMode, SecurityPolicy, StatusCodes } = clientLib;
const { OPCUACertificateManager } = certLib;

type Server = InstanceType<typeof OPCUAServer>;
type Var = { setValueFromSource(v: { dataType: number; arrayType?: number; value: unknown }): void; readValue(): { value: { value: unknown } } };
type Branch = { getAckedState(): boolean; getConfirmedState(): boolean; setConfirmedState(b: boolean): void };
type Alarm = {
  activateAlarm(): void;
  deactivateAlarm(): void;
  raiseNewCondition(c: { message: string; severity: number; retain: boolean }): void;
  setEnabledState(b: boolean): void;
  currentBranch(): Branch;
  acknowledgeAndAutoConfirmBranch(b: Branch, comment: string): void;
};
/** The alarms besides HighTempAlarm: PumpAlarm (with ConfirmedState and Confirm), DoorAlarm (for auto_alarms). */
export type ExtraAlarm = 'PumpAlarm' | 'DoorAlarm';
/** Options of a test server: `refuseConditionRefresh` answers ConditionRefresh with BadNotSupported. */
export interface PlcOptions {
  refuseConditionRefresh?: boolean;
}

/** Additions for the identity / X509 / discovery tests (all optional). */
export interface PlcExtras {
  /** Server_ServerStatus_BuildInfo values. */
  buildInfo?: { productName?: string; productUri?: string; manufacturerName?: string; softwareVersion?: string; buildNumber?: string; buildDate?: Date };
  /**
   * A DI-like nameplate: Objects/DeviceSet/<device> with these properties (standard DI browse names such as
   * Manufacturer, Model, SerialNumber, SoftwareRevision; Manufacturer and Model as LocalizedText).
   */
  device?: { name: string; properties: Record<string, string> };
  /** A folder under Objects with read-only Double variables (odd browse names) and one Double array variable. */
  folder?: { name: string; variables: string[]; array: string };
  /** X509 user tokens are checked against this PKI (trust a user by putting its certificate in trusted/certs). */
  userPkiDir?: string;
}

export class PlcServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly vars: Record<string, Var>,
    private readonly alarm: Alarm,
    private readonly extra: Record<ExtraAlarm, Alarm>,
  ) {}

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  /**
   * `secure`: only SignAndEncrypt / Basic256Sha256 with a user and password (any client certificate is
   * accepted; its PKI lives in `secure.pkiDir`).
   */
  static async start(port = 0, secure?: { user: string; password: string; pkiDir: string }, options: PlcOptions & PlcExtras = {}): Promise<PlcServer> {
    const server = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      alternateHostname: [],
      serverInfo: { applicationUri: 'urn:medkit:test-plc' },
      ...(options.buildInfo ? { buildInfo: options.buildInfo } : {}),
      ...(options.userPkiDir ? { userCertificateManager: new OPCUACertificateManager({ rootFolder: options.userPkiDir, automaticallyAcceptUnknownCertificate: false }) } : {}),
      ...(secure
        ? {
            securityModes: [MessageSecurityMode.SignAndEncrypt],
            securityPolicies: [SecurityPolicy.Basic256Sha256],
            allowAnonymous: false,
            userManager: { isValidUser: (u: string, p: string) => u === secure.user && p === secure.password },
            serverCertificateManager: new OPCUACertificateManager({ rootFolder: secure.pkiDir, automaticallyAcceptUnknownCertificate: true }),
          }
        : {}),
    });
    await server.initialize();
    const as = server.engine.addressSpace!;
    as.installAlarmsAndConditionsService();
    const ns = as.getOwnNamespace();
    const serverObject = as.rootFolder.objects.server;
    const plc = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: 'PLC', nodeId: 's=PLC', eventSourceOf: serverObject, eventNotifier: 1 });
    const rw = { accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite' };
    const add = (name: string, dataType: string, value: unknown, writable: boolean) =>
      ns.addVariable({
        componentOf: plc,
        browseName: name,
        nodeId: `s=${name}`,
        dataType,
        minimumSamplingInterval: 50,
        value: { dataType: DataType[dataType as keyof typeof DataType] as number, arrayType: VariantArrayType.Scalar, value },
        ...(writable ? rw : { accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' }),
      }) as unknown as Var;
    const vars = {
      Temperature: add('Temperature', 'Double', 21.5, false),
      Setpoint: add('Setpoint', 'Double', 40, true),
      Pressure: add('Pressure', 'Double', 1.2, false),
      Mode: add('Mode', 'Int16', 1, true),
      Counter: add('Counter', 'Int64', [0, 7], true),
      Label: add('Label', 'String', 'line 1', true),
      // Registers of the value-driven fault modes (status bits, fault enums, 64-bit codes).
      StatusWord: add('StatusWord', 'UInt16', 0, false),
      FaultCode: add('FaultCode', 'Int32', 0, false),
      BigCode: add('BigCode', 'Int64', [0, 0], false),
      SignedWord: add('SignedWord', 'Int16', 0, false),
      // An Enumeration DataType (ServerState, ns=0;i=852): not a built-in scalar, Int32 on the wire.
      Phase: ns.addVariable({ componentOf: plc, browseName: 'Phase', nodeId: 's=Phase', dataType: 'ServerState', minimumSamplingInterval: 50, value: { dataType: DataType.Int32, value: 2 }, ...rw }) as unknown as Var,
    };
    const alarm = ns.instantiateAlarmCondition('AlarmConditionType', {
      componentOf: plc,
      conditionSource: plc,
      inputNode: vars.Temperature as never,
      browseName: 'HighTempAlarm',
      nodeId: 's=HighTempAlarm',
      conditionName: 'HighTemp',
    } as never) as unknown as Alarm;
    alarm.setEnabledState(true);
    const extraAlarm = (name: ExtraAlarm, conditionName: string, optionals: string[]) => {
      const a = ns.instantiateAlarmCondition('AlarmConditionType', {
        componentOf: plc,
        conditionSource: plc,
        inputNode: vars.Pressure as never,
        browseName: name,
        nodeId: `s=${name}`,
        conditionName,
        optionals,
      } as never) as unknown as Alarm;
      a.setEnabledState(true);
      if (optionals.includes('ConfirmedState')) a.currentBranch().setConfirmedState(true);
      return a;
    };
    const extra = { PumpAlarm: extraAlarm('PumpAlarm', 'PumpFault', ['ConfirmedState', 'Confirm']), DoorAlarm: extraAlarm('DoorAlarm', 'Door open', []) };
    if (options.refuseConditionRefresh) {
      // A server without ConditionRefresh support (some PLC runtimes): the method answers BadNotSupported.
      const refresh = as.findNode('i=3875') as unknown as { bindMethod(f: (a: unknown, c: unknown, cb: (e: null, r: { statusCode: unknown }) => void) => void): void };
      refresh.bindMethod((_args, _ctx, cb) => cb(null, { statusCode: StatusCodes.BadNotSupported }));
    }
    if (options.device) {
      const deviceSet = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: 'DeviceSet', nodeId: 's=DeviceSet' });
      const device = ns.addObject({ componentOf: deviceSet, browseName: options.device.name, nodeId: `s=Device.${options.device.name}` });
      for (const [name, text] of Object.entries(options.device.properties)) {
        const localized = name === 'Manufacturer' || name === 'Model';
        ns.addVariable({
          propertyOf: device,
          browseName: name,
          nodeId: `s=Device.${options.device.name}.${name}`,
          dataType: localized ? 'LocalizedText' : 'String',
          value: localized ? { dataType: DataType.LocalizedText, value: { text } } : { dataType: DataType.String, value: text },
        });
      }
    }
    if (options.folder) {
      const folder = ns.addFolder(as.rootFolder.objects, { browseName: options.folder.name, nodeId: `s=Folder.${options.folder.name}` });
      options.folder.variables.forEach((name, i) =>
        ns.addVariable({ componentOf: folder, browseName: name, nodeId: `s=Folder.${i}`, dataType: 'Double', value: { dataType: DataType.Double, value: i } }),
      );
      ns.addVariable({ componentOf: folder, browseName: options.folder.array, nodeId: 's=Folder.array', dataType: 'Double', valueRank: 1, arrayDimensions: [3], value: { dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2, 3] } });
    }
    await server.start();
    return new PlcServer(server, server.endpoints[0].port, vars, alarm, extra);
  }

  /** The server's application certificate (DER), for a client's trust list. */
  certificate(): Buffer {
    return this.server.getCertificate();
  }

  set(name: 'Temperature' | 'Pressure' | 'Setpoint', value: number): void {
    this.vars[name].setValueFromSource({ dataType: DataType.Double, value });
  }

  /** Sets an integer register; Int64 values exactly (as node-opcua's [high, low] pair). */
  setRegister(name: 'StatusWord' | 'FaultCode' | 'BigCode' | 'SignedWord', value: number | bigint): void {
    const type = { StatusWord: DataType.UInt16, FaultCode: DataType.Int32, BigCode: DataType.Int64, SignedWord: DataType.Int16 }[name];
    if (name !== 'BigCode') return this.vars[name].setValueFromSource({ dataType: type, value: Number(value) });
    const u = BigInt.asUintN(64, BigInt(value));
    this.vars[name].setValueFromSource({ dataType: type, arrayType: VariantArrayType.Scalar, value: [Number(u >> 32n), Number(u & 0xffffffffn)] });
  }

  get(name: string): unknown {
    return this.vars[name].readValue().value.value;
  }

  raiseAlarm(message: string, severity: number): void {
    this.alarm.activateAlarm();
    this.alarm.raiseNewCondition({ message, severity, retain: true });
  }

  /** The alarm goes inactive and an operator acknowledges it at the PLC (an inactive, unacknowledged alarm stays confirmed). */
  clearAlarm(): void {
    this.alarm.deactivateAlarm();
    this.alarm.raiseNewCondition({ message: 'back to normal', severity: 100, retain: true });
    this.alarm.acknowledgeAndAutoConfirmBranch(this.alarm.currentBranch(), 'acknowledged at the PLC');
  }

  /** Activates one of the other alarms (unacknowledged, retained). */
  raise(name: ExtraAlarm, message: string, severity: number): void {
    const a = this.extra[name];
    a.activateAlarm();
    a.raiseNewCondition({ message, severity, retain: true });
  }

  /** The alarm goes inactive; it stays retained until acknowledged (and confirmed). */
  deactivate(name: ExtraAlarm): void {
    const a = this.extra[name];
    a.deactivateAlarm();
    a.raiseNewCondition({ message: 'back to normal', severity: 100, retain: true });
  }

  /** AckedState / ConfirmedState of an alarm's current branch, as the server holds them. */
  conditionState(name: ExtraAlarm): { acked: boolean; confirmed: boolean } {
    const b = this.extra[name].currentBranch();
    return { acked: b.getAckedState(), confirmed: b.getConfirmedState() };
  }

  async stop(): Promise<void> {
    await this.server.shutdown(0);
  }
}
