/**
 * AWS's model of ASFF as the runtime checker (./validate.ts) reads it: every shape a sent finding
 * reaches, with the limits AWS states. Derived from test/support/securityhub/asff-model.json
 * (botocore, Apache-2.0) by test/support/securityhub/derive-rules.ts; the test
 * test/unit/securityhub/model-rules.test.ts holds this table equal to that derivation.
 */
import type { AsffShapeRule } from './validate';

export const ASFF_MODEL_RULES: Record<string, AsffShapeRule> = {
  Adjustment: {
    type: 'structure',
    required: [],
    members: {
      Metric: {
        shape: 'NonEmptyString',
      },
      Reason: {
        shape: 'NonEmptyString',
      },
    },
  },
  AdjustmentList: {
    type: 'list',
    member: 'Adjustment',
  },
  AwsSecurityFinding: {
    type: 'structure',
    required: [
      'SchemaVersion',
      'Id',
      'ProductArn',
      'GeneratorId',
      'AwsAccountId',
      'CreatedAt',
      'UpdatedAt',
      'Title',
      'Description',
      'Resources',
    ],
    members: {
      SchemaVersion: {
        shape: 'NonEmptyString',
      },
      Id: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 512,
      },
      ProductArn: {
        shape: 'NonEmptyString',
        minLength: 12,
        maxLength: 2048,
      },
      ProductName: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 128,
      },
      CompanyName: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 128,
      },
      GeneratorId: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 512,
      },
      AwsAccountId: {
        shape: 'NonEmptyString',
        minLength: 12,
        maxLength: 12,
      },
      FirstObservedAt: {
        shape: 'NonEmptyString',
      },
      LastObservedAt: {
        shape: 'NonEmptyString',
      },
      CreatedAt: {
        shape: 'NonEmptyString',
      },
      UpdatedAt: {
        shape: 'NonEmptyString',
      },
      Title: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 256,
      },
      Description: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 1024,
      },
      Remediation: {
        shape: 'Remediation',
      },
      SourceUrl: {
        shape: 'NonEmptyString',
      },
      ProductFields: {
        shape: 'FieldMap',
        fieldMap: {
          pairs: 50,
          key: 128,
          value: 2048,
        },
      },
      UserDefinedFields: {
        shape: 'FieldMap',
        fieldMap: {
          pairs: 50,
          key: 128,
          value: 1024,
        },
      },
      Resources: {
        shape: 'ResourceList',
        maxItems: 32,
      },
      Workflow: {
        shape: 'Workflow',
      },
      RecordState: {
        shape: 'RecordState',
      },
      Note: {
        shape: 'Note',
      },
      Vulnerabilities: {
        shape: 'VulnerabilityList',
      },
      FindingProviderFields: {
        shape: 'FindingProviderFields',
      },
    },
  },
  BatchImportFindingsRequest: {
    type: 'structure',
    required: ['Findings'],
    members: {
      Findings: {
        shape: 'BatchImportFindingsRequestFindingList',
      },
    },
  },
  BatchImportFindingsRequestFindingList: {
    type: 'list',
    member: 'AwsSecurityFinding',
    min: 1,
    max: 100,
  },
  BatchImportFindingsResponse: {
    type: 'structure',
    required: ['FailedCount', 'SuccessCount'],
    members: {
      FailedCount: {
        shape: 'Integer',
      },
      SuccessCount: {
        shape: 'Integer',
      },
      FailedFindings: {
        shape: 'ImportFindingsErrorList',
      },
    },
  },
  Boolean: {
    type: 'boolean',
  },
  Cell: {
    type: 'structure',
    required: [],
    members: {
      Column: {
        shape: 'Long',
      },
      Row: {
        shape: 'Long',
      },
      ColumnName: {
        shape: 'NonEmptyString',
      },
      CellReference: {
        shape: 'NonEmptyString',
      },
    },
  },
  Cells: {
    type: 'list',
    member: 'Cell',
  },
  ClassificationResult: {
    type: 'structure',
    required: [],
    members: {
      MimeType: {
        shape: 'NonEmptyString',
      },
      SizeClassified: {
        shape: 'Long',
      },
      AdditionalOccurrences: {
        shape: 'Boolean',
      },
      Status: {
        shape: 'ClassificationStatus',
      },
      SensitiveData: {
        shape: 'SensitiveDataResultList',
      },
      CustomDataIdentifiers: {
        shape: 'CustomDataIdentifiersResult',
      },
    },
  },
  ClassificationStatus: {
    type: 'structure',
    required: [],
    members: {
      Code: {
        shape: 'NonEmptyString',
      },
      Reason: {
        shape: 'NonEmptyString',
      },
    },
  },
  CloudProviderName: {
    type: 'string',
    enum: ['Azure', 'AWS'],
  },
  CodeVulnerabilitiesFilePath: {
    type: 'structure',
    required: [],
    members: {
      EndLine: {
        shape: 'Integer',
      },
      FileName: {
        shape: 'NonEmptyString',
      },
      FilePath: {
        shape: 'NonEmptyString',
      },
      StartLine: {
        shape: 'Integer',
      },
    },
  },
  CustomDataIdentifiersDetections: {
    type: 'structure',
    required: [],
    members: {
      Count: {
        shape: 'Long',
      },
      Arn: {
        shape: 'NonEmptyString',
      },
      Name: {
        shape: 'NonEmptyString',
      },
      Occurrences: {
        shape: 'Occurrences',
      },
    },
  },
  CustomDataIdentifiersDetectionsList: {
    type: 'list',
    member: 'CustomDataIdentifiersDetections',
  },
  CustomDataIdentifiersResult: {
    type: 'structure',
    required: [],
    members: {
      Detections: {
        shape: 'CustomDataIdentifiersDetectionsList',
      },
      TotalCount: {
        shape: 'Long',
      },
    },
  },
  Cvss: {
    type: 'structure',
    required: [],
    members: {
      Version: {
        shape: 'NonEmptyString',
      },
      BaseScore: {
        shape: 'Double',
      },
      BaseVector: {
        shape: 'NonEmptyString',
      },
      Source: {
        shape: 'NonEmptyString',
      },
      Adjustments: {
        shape: 'AdjustmentList',
      },
    },
  },
  CvssList: {
    type: 'list',
    member: 'Cvss',
  },
  DataClassificationDetails: {
    type: 'structure',
    required: [],
    members: {
      DetailedResultsLocation: {
        shape: 'NonEmptyString',
      },
      Result: {
        shape: 'ClassificationResult',
      },
    },
  },
  Double: {
    type: 'double',
  },
  FieldMap: {
    type: 'map',
    key: 'NonEmptyString',
    value: 'NonEmptyString',
  },
  FindingProviderFields: {
    type: 'structure',
    required: [],
    members: {
      Confidence: {
        shape: 'RatioScale',
      },
      Criticality: {
        shape: 'RatioScale',
      },
      RelatedFindings: {
        shape: 'RelatedFindingList',
      },
      Severity: {
        shape: 'FindingProviderSeverity',
      },
      Types: {
        shape: 'TypeList',
      },
    },
  },
  FindingProviderSeverity: {
    type: 'structure',
    required: [],
    members: {
      Label: {
        shape: 'SeverityLabel',
      },
      Original: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 64,
      },
    },
  },
  ImportFindingsError: {
    type: 'structure',
    required: ['Id', 'ErrorCode', 'ErrorMessage'],
    members: {
      Id: {
        shape: 'NonEmptyString',
      },
      ErrorCode: {
        shape: 'NonEmptyString',
      },
      ErrorMessage: {
        shape: 'NonEmptyString',
      },
    },
  },
  ImportFindingsErrorList: {
    type: 'list',
    member: 'ImportFindingsError',
  },
  Integer: {
    type: 'integer',
  },
  Long: {
    type: 'long',
  },
  NonEmptyString: {
    type: 'string',
    pattern: '.*\\S.*',
  },
  Note: {
    type: 'structure',
    required: ['Text', 'UpdatedBy', 'UpdatedAt'],
    members: {
      Text: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 512,
      },
      UpdatedBy: {
        shape: 'NonEmptyString',
      },
      UpdatedAt: {
        shape: 'NonEmptyString',
      },
    },
  },
  Occurrences: {
    type: 'structure',
    required: [],
    members: {
      LineRanges: {
        shape: 'Ranges',
      },
      OffsetRanges: {
        shape: 'Ranges',
      },
      Pages: {
        shape: 'Pages',
      },
      Records: {
        shape: 'Records',
      },
      Cells: {
        shape: 'Cells',
      },
    },
  },
  Page: {
    type: 'structure',
    required: [],
    members: {
      PageNumber: {
        shape: 'Long',
      },
      LineRange: {
        shape: 'Range',
      },
      OffsetRange: {
        shape: 'Range',
      },
    },
  },
  Pages: {
    type: 'list',
    member: 'Page',
  },
  Partition: {
    type: 'string',
    enum: ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b', 'AzureCloud'],
  },
  Range: {
    type: 'structure',
    required: [],
    members: {
      Start: {
        shape: 'Long',
      },
      End: {
        shape: 'Long',
      },
      StartColumn: {
        shape: 'Long',
      },
    },
  },
  Ranges: {
    type: 'list',
    member: 'Range',
  },
  RatioScale: {
    type: 'integer',
  },
  Recommendation: {
    type: 'structure',
    required: [],
    members: {
      Text: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 512,
      },
      Url: {
        shape: 'NonEmptyString',
      },
    },
  },
  Record: {
    type: 'structure',
    required: [],
    members: {
      JsonPath: {
        shape: 'NonEmptyString',
      },
      RecordIndex: {
        shape: 'Long',
      },
    },
  },
  RecordState: {
    type: 'string',
    enum: ['ACTIVE', 'ARCHIVED'],
  },
  Records: {
    type: 'list',
    member: 'Record',
  },
  RelatedFinding: {
    type: 'structure',
    required: ['ProductArn', 'Id'],
    members: {
      ProductArn: {
        shape: 'NonEmptyString',
      },
      Id: {
        shape: 'NonEmptyString',
      },
    },
  },
  RelatedFindingList: {
    type: 'list',
    member: 'RelatedFinding',
  },
  Remediation: {
    type: 'structure',
    required: [],
    members: {
      Recommendation: {
        shape: 'Recommendation',
      },
    },
  },
  Resource: {
    type: 'structure',
    required: ['Type', 'Id'],
    members: {
      Type: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 256,
      },
      Id: {
        shape: 'NonEmptyString',
      },
      Partition: {
        shape: 'Partition',
      },
      Region: {
        shape: 'NonEmptyString',
        minLength: 1,
        maxLength: 16,
      },
      Provider: {
        shape: 'CloudProviderName',
      },
      Owner: {
        shape: 'ResourceOwner',
      },
      ResourceRole: {
        shape: 'NonEmptyString',
      },
      Tags: {
        shape: 'FieldMap',
      },
      DataClassification: {
        shape: 'DataClassificationDetails',
      },
      Details: {
        shape: 'ResourceDetails',
      },
      ApplicationName: {
        shape: 'NonEmptyString',
      },
      ApplicationArn: {
        shape: 'NonEmptyString',
      },
    },
  },
  ResourceDetails: {
    type: 'structure',
    required: [],
    members: {
      Other: {
        shape: 'FieldMap',
        fieldMap: {
          pairs: 50,
          key: 128,
          value: 1024,
        },
      },
    },
  },
  ResourceList: {
    type: 'list',
    member: 'Resource',
  },
  ResourceOwner: {
    type: 'structure',
    required: [],
    members: {
      Account: {
        shape: 'ResourceOwnerAccount',
      },
      Org: {
        shape: 'ResourceOwnerOrg',
      },
    },
  },
  ResourceOwnerAccount: {
    type: 'structure',
    required: [],
    members: {
      Id: {
        shape: 'NonEmptyString',
      },
    },
  },
  ResourceOwnerOrg: {
    type: 'structure',
    required: [],
    members: {
      Id: {
        shape: 'NonEmptyString',
      },
    },
  },
  SensitiveDataDetections: {
    type: 'structure',
    required: [],
    members: {
      Count: {
        shape: 'Long',
      },
      Type: {
        shape: 'NonEmptyString',
      },
      Occurrences: {
        shape: 'Occurrences',
      },
    },
  },
  SensitiveDataDetectionsList: {
    type: 'list',
    member: 'SensitiveDataDetections',
  },
  SensitiveDataResult: {
    type: 'structure',
    required: [],
    members: {
      Category: {
        shape: 'NonEmptyString',
      },
      Detections: {
        shape: 'SensitiveDataDetectionsList',
      },
      TotalCount: {
        shape: 'Long',
      },
    },
  },
  SensitiveDataResultList: {
    type: 'list',
    member: 'SensitiveDataResult',
  },
  SeverityLabel: {
    type: 'string',
    enum: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
  },
  SoftwarePackage: {
    type: 'structure',
    required: [],
    members: {
      Name: {
        shape: 'NonEmptyString',
      },
      Version: {
        shape: 'NonEmptyString',
      },
      Epoch: {
        shape: 'NonEmptyString',
      },
      Release: {
        shape: 'NonEmptyString',
      },
      Architecture: {
        shape: 'NonEmptyString',
      },
      PackageManager: {
        shape: 'NonEmptyString',
      },
      FilePath: {
        shape: 'NonEmptyString',
      },
      FixedInVersion: {
        shape: 'NonEmptyString',
      },
      Remediation: {
        shape: 'NonEmptyString',
      },
      SourceLayerHash: {
        shape: 'NonEmptyString',
      },
      SourceLayerArn: {
        shape: 'NonEmptyString',
      },
    },
  },
  SoftwarePackageList: {
    type: 'list',
    member: 'SoftwarePackage',
  },
  StringList: {
    type: 'list',
    member: 'NonEmptyString',
  },
  TypeList: {
    type: 'list',
    member: 'NonEmptyString',
  },
  Vulnerability: {
    type: 'structure',
    required: ['Id'],
    members: {
      Id: {
        shape: 'NonEmptyString',
      },
      VulnerablePackages: {
        shape: 'SoftwarePackageList',
      },
      Cvss: {
        shape: 'CvssList',
      },
      RelatedVulnerabilities: {
        shape: 'StringList',
      },
      Vendor: {
        shape: 'VulnerabilityVendor',
      },
      ReferenceUrls: {
        shape: 'StringList',
      },
      FixAvailable: {
        shape: 'VulnerabilityFixAvailable',
      },
      EpssScore: {
        shape: 'Double',
      },
      ExploitAvailable: {
        shape: 'VulnerabilityExploitAvailable',
      },
      LastKnownExploitAt: {
        shape: 'NonEmptyString',
      },
      CodeVulnerabilities: {
        shape: 'VulnerabilityCodeVulnerabilitiesList',
      },
    },
  },
  VulnerabilityCodeVulnerabilities: {
    type: 'structure',
    required: [],
    members: {
      Cwes: {
        shape: 'TypeList',
      },
      FilePath: {
        shape: 'CodeVulnerabilitiesFilePath',
      },
      SourceArn: {
        shape: 'NonEmptyString',
      },
    },
  },
  VulnerabilityCodeVulnerabilitiesList: {
    type: 'list',
    member: 'VulnerabilityCodeVulnerabilities',
  },
  VulnerabilityExploitAvailable: {
    type: 'string',
    enum: ['YES', 'NO'],
  },
  VulnerabilityFixAvailable: {
    type: 'string',
    enum: ['YES', 'NO', 'PARTIAL'],
  },
  VulnerabilityList: {
    type: 'list',
    member: 'Vulnerability',
  },
  VulnerabilityVendor: {
    type: 'structure',
    required: ['Name'],
    members: {
      Name: {
        shape: 'NonEmptyString',
      },
      Url: {
        shape: 'NonEmptyString',
      },
      VendorSeverity: {
        shape: 'NonEmptyString',
      },
      VendorCreatedAt: {
        shape: 'NonEmptyString',
      },
      VendorUpdatedAt: {
        shape: 'NonEmptyString',
      },
    },
  },
  Workflow: {
    type: 'structure',
    required: [],
    members: {
      Status: {
        shape: 'WorkflowStatus',
      },
    },
  },
  WorkflowStatus: {
    type: 'string',
    enum: ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'],
  },
};
